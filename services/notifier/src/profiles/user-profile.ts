import * as v from "valibot";

/** What auth's `GET /v1/users/:id` answers: the profile a notification is addressed with. */
export const UserProfileSchema = v.object({
  id: v.string(),
  username: v.string(),
  displayName: v.string(),
  email: v.string(),
});

export type UserProfile = v.InferOutput<typeof UserProfileSchema>;

/** User ids auth accepts in its path (the same rule as its route's). */
export const USER_ID = /^[A-Za-z0-9._:-]{1,128}$/;
