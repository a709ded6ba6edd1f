// Checking requests against protocol.json, the file the site build writes from
// app/core/protocol.py: the same field names and JSON types Python checks before sending.

import protocol from './protocol.json' with { type: 'json' };
import { badRequest } from './errors.js';

// JSON type name (as protocol.py spells it) → test of a structured-cloned value.
// "array" also accepts typed arrays: a query vector may arrive as a Float32Array.
const JSON_TYPES = Object.freeze({
  string: (value) => typeof value === 'string',
  boolean: (value) => typeof value === 'boolean',
  number: (value) => typeof value === 'number' && Number.isFinite(value),
  array: (value) => Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView)),
});

for (const [type, fields] of Object.entries(protocol.requests)) {
  for (const [field, jsonType] of Object.entries(fields)) {
    if (!(jsonType in JSON_TYPES)) {
      throw new Error(`protocol.json: ${type}.${field} has unknown type "${jsonType}"`);
    }
  }
}

const typeName = (value) => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return typeof value;
};

/**
 * The id of a request, or -1 when it has none: a reply needs an integer id, and -1
 * is one no request of the Python client ever uses.
 */
export function requestId(message) {
  const id = message?.id;
  return Number.isInteger(id) ? id : -1;
}

/**
 * Check ``{id, type, payload}`` and return it; throw a bad-request WorkerError naming the
 * unknown type, the missing field or the ill-typed field otherwise.
 */
export function checkRequest(message) {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    throw badRequest(`a request must be an object {id, type, payload}, got ${typeName(message)}`);
  }
  if (!Number.isInteger(message.id)) {
    throw badRequest(`a request needs an integer id, got ${typeName(message.id)}`);
  }
  const fields = Object.hasOwn(protocol.requests, message.type) ? protocol.requests[message.type] : null;
  if (fields === null) {
    throw badRequest(
      `unknown request type ${JSON.stringify(message.type)}; should be one of: ` +
        Object.keys(protocol.requests).join(', '),
    );
  }
  const payload = message.payload ?? {};
  if (typeof payload !== 'object' || Array.isArray(payload) || ArrayBuffer.isView(payload)) {
    throw badRequest(`${message.type} payload must be an object, got ${typeName(payload)}`);
  }
  for (const [field, jsonType] of Object.entries(fields)) {
    if (!Object.hasOwn(payload, field)) {
      throw badRequest(`${message.type} request lacks payload field '${field}'`);
    }
    if (!JSON_TYPES[jsonType](payload[field])) {
      throw badRequest(
        `${message.type} payload field '${field}' must be a ${jsonType}, got ${typeName(payload[field])}`,
      );
    }
  }
  return { id: message.id, type: message.type, payload };
}

/** Throw bad-request unless ``value`` is an integer in [min, max]. */
export function checkInteger(type, field, value, min, max = Number.MAX_SAFE_INTEGER) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`${type} payload field '${field}' must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}
