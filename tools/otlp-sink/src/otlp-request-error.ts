/** HTTP statuses the OTLP receiver answers a request it cannot take with. */
export type OtlpRequestErrorStatus = 400 | 413 | 415;

/** A request the receiver refuses; the sender must not retry it unchanged. */
export class OtlpRequestError extends Error {
  override readonly name = "OtlpRequestError";
  readonly status: OtlpRequestErrorStatus;

  constructor(status: OtlpRequestErrorStatus, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}
