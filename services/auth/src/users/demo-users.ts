import type { UserSeed } from "./user.ts";

// Demo accounts only: the passwords are public (README) and hashed at start-up; the ids are
// fixed so that todos created by one run still belong to the same user after a restart.
export const DEMO_USERS: readonly UserSeed[] = [
  {
    id: "0b6f3c1e-6a0e-4b8e-9d1a-3f2a4c5b6d01",
    username: "alice",
    displayName: "Alice Liddell",
    email: "alice@example.com",
    roles: ["user"],
    password: "alice-demo-password",
  },
  {
    id: "5c2d8e4f-1b3a-4c6d-8e9f-0a1b2c3d4e02",
    username: "bob",
    displayName: "Bob Marley",
    email: "bob@example.com",
    roles: ["user"],
    password: "bob-demo-password",
  },
  {
    id: "9e8d7c6b-5a4f-4e3d-a2c1-b0f9e8d7c603",
    username: "carol",
    displayName: "Carol Danvers",
    email: "carol@example.com",
    roles: ["viewer"],
    password: "carol-demo-password",
  },
];
