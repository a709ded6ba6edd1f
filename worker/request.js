// Checking messages against protocol.json, the file the site build writes from
// contracts/protocol.py: requests as they arrive, and every reply before it is sent,
// with the same field names, types and enums Python checks on its side.

import protocol from './protocol.json' with { type: 'json' };
import { badRequest } from './errors.js';

// Field type name (as contracts/protocol.py spells it) → test of a structured-cloned value.
const BASE_TYPES = Object.freeze({
  string: (value) => typeof value === 'string',
  boolean: (value) => typeof value === 'boolean',
  number: (value) => typeof value === 'number' && Number.isFinite(value),
  integer: (value) => Number.isInteger(value),
  array: (value) => Array.isArray(value),
  // A vector may travel as a typed array (a transferred Float32Array).
  vector: (value) => Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView)),
  object: (value) => value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value),
  null: (value) => value === null,
});

// ``name[]``: an array of objects with the fields of protocol.records[name].
const recordOf = (spec) => (spec.endsWith('[]') ? spec.slice(0, -2) : null);

function isOf(name, value) {
  const record = recordOf(name);
  if (record !== null) return Array.isArray(value) && value.every((item) => BASE_TYPES.object(item));
  if (Object.hasOwn(protocol.enums, name)) return protocol.enums[name].includes(value);
  return BASE_TYPES[name](value);
}

/** True when ``value`` is of one of the ``|``-separated types of ``spec``. */
export function matches(spec, value) {
  return spec.split('|').some((name) => isOf(name, value));
}

function checkDefinition() {
  const specs = [
    ...Object.values(protocol.requests).flatMap((r) => [...Object.values(r.payload), ...Object.values(r.result)]),
    ...Object.values(protocol.replies).flatMap((fields) => Object.values(fields)),
    ...Object.values(protocol.records).flatMap((fields) => Object.values(fields)),
  ];
  for (const spec of specs) {
    for (const name of spec.split('|')) {
      const record = recordOf(name);
      if (record !== null ? !Object.hasOwn(protocol.records, record)
        : !Object.hasOwn(BASE_TYPES, name) && !Object.hasOwn(protocol.enums, name)) {
        throw new Error(`protocol.json: unknown field type "${name}"`);
      }
    }
  }
}
checkDefinition();

const typeName = (value) => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return typeof value;
};

const show = (value) => {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 40);
  } catch {
    return String(value).slice(0, 40);
  }
};

/**
 * Throw ``makeError(message)`` naming the first missing or ill-typed field of ``obj``
 * (and, when ``exact``, the first unknown one); ``what`` starts the message.
 */
export function checkFields(fields, obj, what, { exact = false, makeError = (m) => new Error(m) } = {}) {
  for (const [name, spec] of Object.entries(fields)) {
    const key = name.endsWith('?') ? name.slice(0, -1) : name;
    if (!Object.hasOwn(obj, key)) {
      if (name.endsWith('?')) continue;
      throw makeError(`${what} lacks field '${key}'`);
    }
    if (!matches(spec, obj[key])) {
      throw makeError(
        `${what} field '${key}' must be ${spec.replaceAll('|', ' or ')}, got ${typeName(obj[key])} ${show(obj[key])}`,
      );
    }
    const record = spec.includes('|') ? null : recordOf(spec);
    if (record !== null) {
      obj[key].forEach((item, index) =>
        checkFields(protocol.records[record], item, `${what} ${key}[${index}]`, { exact, makeError }));
    }
  }
  if (exact) {
    const known = new Set(Object.keys(fields).map((name) => name.replace(/\?$/, '')));
    const unknown = Object.keys(obj).filter((key) => !known.has(key));
    if (unknown.length > 0) throw makeError(`${what} has unknown fields: ${unknown.sort().join(', ')}`);
  }
}

/**
 * The id of a request, or protocol.unknown_id when it has none: a reply needs an integer
 * id, and that one no request of the Python client ever uses.
 */
export function requestId(message) {
  const id = message?.id;
  return Number.isInteger(id) ? id : protocol.unknown_id;
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
  const definition = Object.hasOwn(protocol.requests, message.type) ? protocol.requests[message.type] : null;
  if (definition === null) {
    throw badRequest(
      `unknown request type ${JSON.stringify(message.type)}; should be one of: ` +
        Object.keys(protocol.requests).join(', '),
    );
  }
  const payload = message.payload ?? {};
  if (!BASE_TYPES.object(payload)) {
    throw badRequest(`${message.type} payload must be an object, got ${typeName(payload)}`);
  }
  checkFields(definition.payload, payload, `${message.type} payload`, { makeError: badRequest });
  return { id: message.id, type: message.type, payload };
}

/**
 * Throw unless ``reply`` is a valid reply to a ``type`` request (null: its request could
 * not be read, so only an error may answer it). The worker checks each reply before it
 * posts it, so a handler that returns the wrong shape is caught here, not in Python.
 */
export function checkReply(type, reply) {
  if (!Number.isInteger(reply.id)) throw new Error(`reply without an integer id: ${show(reply)}`);
  const fields = protocol.replies[reply.type];
  if (!fields) throw new Error(`unknown reply type "${reply.type}"`);
  checkFields(fields, reply, `${reply.type} reply`);
  if (reply.type === 'error') return;
  const definition = protocol.requests[type];
  if (!definition) throw new Error(`${reply.type} reply to a request of unknown type "${type}"`);
  if (reply.type === 'result') {
    checkFields(definition.result, reply.payload, `${type} result`, { exact: true });
  } else if (!definition.streams.includes(reply.type)) {
    throw new Error(`a ${type} request gets no ${reply.type} replies`);
  }
}

/** Throw bad-request unless ``value`` is an integer in [min, max]. */
export function checkInteger(type, field, value, min, max = Number.MAX_SAFE_INTEGER) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`${type} payload field '${field}' must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}
