import { RateLimitedError, toRetryAfterSeconds, UnauthenticatedError } from "@tracemesh/errors";
import { jsonBody, validate } from "@tracemesh/http";
import { Hono } from "hono";
import * as v from "valibot";
import { clientAddress } from "../http/client-address.ts";
import type { LoginThrottle } from "../rate-limit/login-throttle.ts";
import type { TokenIssuer } from "../tokens/token-issuer.ts";
import { normalizeUsername, type UserDirectory } from "../users/user-directory.ts";

const TokenRequest = v.object({
  // Bounded as sent and once normalised: NFKC can make one character eighteen (U+FDFA), and the
  // throttle keeps every username it sees for a window.
  username: v.pipe(
    v.string(),
    v.minLength(1),
    v.maxLength(128),
    v.transform(normalizeUsername),
    v.maxLength(128),
  ),
  // Bounded so that a megabyte "password" cannot make each scrypt call slower.
  password: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
});

// Room for both fields at their longest, every character written as a JSON \u escape (as
// Python's json.dumps does by default).
const TOKEN_REQUEST_MAX_BYTES = 8192;

export interface TokenRouteDeps {
  users: UserDirectory;
  issuer: TokenIssuer;
  loginThrottle: LoginThrottle;
  /** Reverse proxies whose X-Forwarded-For entry is trusted; 0 uses the socket's peer. */
  trustedProxyHops: number;
}

/**
 * `POST /v1/token`: a short-lived access token for a username and password. A wrong password
 * and an unknown user get the same 401 after the same scrypt work; attempts are throttled per
 * client and per username before the password is checked.
 */
export function tokenRoute(deps: TokenRouteDeps): Hono {
  const { users, issuer, loginThrottle, trustedProxyHops } = deps;
  return new Hono().post(
    "/v1/token",
    jsonBody({ maxBytes: TOKEN_REQUEST_MAX_BYTES }),
    validate("json", TokenRequest),
    async function issueToken(c) {
      const { username, password } = c.req.valid("json");
      const throttle = loginThrottle.attempt(clientAddress(c, trustedProxyHops), username);
      if (!throttle.allowed) {
        const { limitedBy, cause } = throttle;
        c.var.logger.warn("auth.login_throttled", { limitedBy, cause });
        throw new RateLimitedError({
          retryAfterSeconds: toRetryAfterSeconds(throttle.retryAfterMs),
        });
      }
      const user = await users.authenticate(username, password);
      if (!user) {
        // The username is not logged: people type their password into it.
        c.var.logger.warn("auth.login_failed");
        throw new UnauthenticatedError({ code: "AUTH_INVALID_CREDENTIALS" });
      }
      const token = await issuer.issue(user);
      c.var.logger.info("auth.token_issued", { userId: user.id, expiresIn: token.expiresIn });
      // RFC 6749 §5.1: responses carrying tokens are never cached.
      c.header("Cache-Control", "no-store");
      c.header("Pragma", "no-cache");
      return c.json(token);
    },
  );
}
