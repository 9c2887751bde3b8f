/** What every access token is checked against, from the config. */
export interface TokenSettings {
  /** `iss` of issued tokens and the only issuer accepted. */
  issuer: string;
  /** `aud` of issued tokens and the only audience accepted. */
  audience: string;
  /** Lifetime of issued tokens, and the longest lifetime (`exp - iat`) a token may claim. */
  ttlSeconds: number;
  /** How far in the future a token's `iat` may be: the issuing clock may run a little ahead. */
  clockSkewSeconds: number;
}

/** RFC 9068 `typ` for JWT access tokens: stops an ID token or any other JWT passing as one. */
export const ACCESS_TOKEN_TYPE = "at+jwt";
