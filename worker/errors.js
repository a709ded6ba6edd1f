// Errors the worker answers with. Codes come from protocol.json (contracts/protocol.py
// ERROR_CODES, those the worker sends), so Python can react to a code without parsing
// the message.

import protocol from './protocol.json' with { type: 'json' };

const CODES = new Set(Object.keys(protocol.errors).filter((code) => protocol.errors[code] === 'worker'));

/** A failure with a protocol error code and a message the learner can read. */
export class WorkerError extends Error {
  /**
   * @param {string} code one of protocol.errors sent by the worker
   * @param {string} message names what failed: model id, file URL, device
   * @param {{cause?: unknown}} [options]
   */
  constructor(code, message, options) {
    super(message, options);
    if (!CODES.has(code)) {
      // A typo here would send Python a code it cannot react to: fail loudly instead.
      throw new Error(`unknown error code "${code}"; should be one of: ${[...CODES].join(', ')}`);
    }
    this.name = 'WorkerError';
    this.code = code;
  }
}

export const badRequest = (message) => new WorkerError('bad-request', message);

/** The text of anything thrown (ORT and Transformers.js sometimes throw strings or numbers). */
export function describe(error) {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** The reply fields for ``error``: a WorkerError keeps its code, anything else is "failed". */
export function asErrorFields(error, what) {
  if (error instanceof WorkerError) return { code: error.code, message: error.message };
  return { code: 'failed', message: `${what} failed: ${describe(error)}` };
}
