import { Rate } from "k6/metrics";
import { checkContract } from "./contract.js";

// Every response of the service under test goes through here: counted by phase, and checked.

export const serverErrors = new Rate("server_errors");

/**
 * Counts whether `res` was a 5xx (server_errors, by phase) and checks it against the contract.
 * @param {import("k6/http").RefinedResponse<"text">} res
 * @param {string} phase
 * @returns {boolean} whether it held the contract
 */
export function observeResponse(res, phase) {
  serverErrors.add(res.status >= 500, { phase });
  return checkContract(res, phase);
}
