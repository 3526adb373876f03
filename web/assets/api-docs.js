/**
 * The API page (/api-docs/): reads the OpenAPI document the API serves (GET /api/openapi.json, built from the
 * schemas the handlers validate with) and shows each route: method, path, summary, who may call it, its
 * parameters, its request body as a nested list of fields, and its answers.
 *
 * Every string from the document reaches the page through textContent or a text node, never as HTML, so a
 * description or a pattern cannot add markup or script to the page.
 */
import { request } from './api.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
/** Nested schemas deeper than this are shown by name only. */
const MAX_DEPTH = 8;
/** The bounds zod gives every whole number: "any whole number", not worth showing. */
const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/** @type {any} The OpenAPI document, once loaded. */
let doc = { components: {} };

/** An element with a class, text and children; `text` is always set as text. */
function el(tag, className, text, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const child of children) if (child) node.append(child);
  return node;
}

/** Text with `code` spans, as text nodes and <code> elements. */
function rich(tag, className, text) {
  const node = el(tag, className);
  String(text ?? '')
    .split('`')
    .forEach((part, i) => node.append(i % 2 === 1 ? el('code', null, part) : document.createTextNode(part)));
  return node;
}

/** A fragment identifier made only of safe characters. */
const anchorOf = (operationId) => `route-${String(operationId).replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** A local reference ("#/components/schemas/Campaign") resolved in the document; undefined when it is not. */
function resolve(ref) {
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return undefined;
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

const refName = (ref) => String(ref).split('/').pop();
const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const deref = (schema) => (isObject(schema) && schema.$ref ? (resolve(schema.$ref) ?? {}) : schema);
const alternativesOf = (schema) => (Array.isArray(schema.anyOf) ? schema.anyOf : schema.oneOf);

/** A short type name: "string", "array of integer", "Campaign", "string or null". */
function typeText(schema, depth = 0) {
  if (!isObject(schema) || depth > MAX_DEPTH) return 'any';
  if (schema.$ref) return refName(schema.$ref);
  if ('const' in schema) return JSON.stringify(schema.const);
  const alternatives = alternativesOf(schema);
  if (Array.isArray(alternatives)) {
    const names = alternatives.map((alt) => typeText(alt, depth + 1));
    return names.length <= 3 && names.every((n) => !n.includes(' or '))
      ? names.join(' or ')
      : 'one of the forms below';
  }
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : schema.type;
  if (type === 'array') return `array of ${typeText(schema.items, depth + 1)}`;
  if (type === 'integer') return 'whole number';
  return type ?? 'any';
}

const count = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The rules a value must keep, in words. */
function constraints(schema) {
  const rules = [];
  if (!isObject(schema)) return rules;
  const add = (condition, text) => condition && rules.push(text);
  add(Array.isArray(schema.enum), `one of: ${(schema.enum ?? []).map((v) => JSON.stringify(v)).join(', ')}`);
  add(schema.minLength !== undefined, `at least ${count(schema.minLength, 'character')}`);
  add(schema.maxLength !== undefined, `at most ${count(schema.maxLength, 'character')}`);
  add(schema.pattern !== undefined, `matches ${schema.pattern}`);
  add(schema.format !== undefined, `format ${schema.format}`);
  add(schema.minimum !== undefined && Math.abs(schema.minimum) !== SAFE_INTEGER, `≥ ${schema.minimum}`);
  add(schema.maximum !== undefined && Math.abs(schema.maximum) !== SAFE_INTEGER, `≤ ${schema.maximum}`);
  add(schema.minItems !== undefined, `at least ${count(schema.minItems, 'item')}`);
  add(schema.maxItems !== undefined, `at most ${count(schema.maxItems, 'item')}`);
  add(schema.default !== undefined, `default ${JSON.stringify(schema.default)}`);
  return rules;
}

/** The schema whose fields are worth a nested list under a field of this schema, if any. */
function nestedOf(schema) {
  const resolved = deref(schema);
  if (!isObject(resolved)) return undefined;
  if (resolved.type === 'array') return nestedOf(resolved.items);
  if (isObject(resolved.properties) || Array.isArray(alternativesOf(resolved))) return resolved;
  if (isObject(resolved.additionalProperties) && Object.keys(resolved.additionalProperties).length > 0)
    return resolved;
  return undefined;
}

/** One line about a value: its type, whether it is required, its rules and description. */
function describeValue(node, schema, required) {
  const resolved = deref(schema);
  node.append(el('span', 'api-type', typeText(schema)));
  if (required !== undefined)
    node.append(el('span', required ? 'api-required' : 'api-optional', required ? 'required' : 'optional'));
  for (const rule of constraints(resolved)) node.append(el('span', 'api-rule', rule));
  // An array of plain values: the rules each item keeps (an array of objects lists their fields instead).
  const items = resolved?.type === 'array' ? deref(resolved.items) : undefined;
  if (isObject(items) && !nestedOf(items))
    for (const rule of constraints(items)) node.append(el('span', 'api-rule', `each ${rule}`));
  if (resolved?.description) node.append(rich('span', 'api-description', resolved.description));
}

/** A schema as a nested list of its fields (or of its alternative forms). */
function schemaTree(schema, depth = 0) {
  const resolved = deref(schema);
  if (!isObject(resolved) || depth > MAX_DEPTH) return el('p', 'muted', 'Any JSON value.');
  const alternatives = alternativesOf(resolved);
  if (Array.isArray(alternatives)) {
    const list = el('ol', 'api-forms');
    alternatives.forEach((alt) => {
      const item = el('li', null, null, [el('span', 'api-form', 'One form: ')]);
      describeValue(item, alt);
      const nested = nestedOf(alt);
      if (nested) item.append(schemaTree(nested, depth + 1));
      list.append(item);
    });
    return list;
  }
  if (resolved.type === 'array') return schemaTree(resolved.items, depth + 1);
  if (!isObject(resolved.properties)) {
    const line = el('p', 'api-field');
    if (isObject(resolved.additionalProperties)) {
      line.append(el('span', null, 'Any keys, each: '));
      describeValue(line, resolved.additionalProperties);
    } else describeValue(line, resolved);
    return line;
  }
  const required = new Set(Array.isArray(resolved.required) ? resolved.required : []);
  const list = el('ul', 'api-fields');
  for (const [name, property] of Object.entries(resolved.properties)) {
    const item = el('li', 'api-field', null, [el('code', 'api-name', name)]);
    describeValue(item, property, required.has(name));
    const nested = nestedOf(property);
    if (nested) item.append(schemaTree(nested, depth + 1));
    list.append(item);
  }
  if (resolved.additionalProperties === false) list.append(el('li', 'api-closed muted', 'No other fields.'));
  return list;
}

/** Who may call the route, from its security requirements. */
function whoMayCall(operation) {
  const requirements = Array.isArray(operation.security) ? operation.security : [];
  if (requirements.length === 0) return [el('p', null, 'Anyone: no credentials.')];
  const schemes = doc.components?.securitySchemes ?? {};
  const lines = requirements.flatMap((requirement) =>
    Object.keys(requirement).map((name) => {
      const scheme = schemes[name] ?? {};
      const how =
        scheme.type === 'http'
          ? `Authorization: ${scheme.scheme === 'bearer' ? 'Bearer <token>' : scheme.scheme}`
          : `${scheme.in} ${scheme.name}`;
      const line = el('p', null, null, [el('code', null, how), document.createTextNode(' ')]);
      line.append(rich('span', null, scheme.description ?? ''));
      return line;
    }),
  );
  if (operation['x-email-link-only'])
    lines.push(el('p', null, 'Email links only: a page link is refused (403).'));
  return requirements.length > 1 ? [el('p', null, 'Any one of:'), ...lines] : lines;
}

function parametersTable(parameters) {
  const head = el(
    'tr',
    null,
    null,
    ['Name', 'In', 'Type and rules'].map((h) => el('th', null, h, [])),
  );
  head.querySelectorAll('th').forEach((th) => th.setAttribute('scope', 'col'));
  const body = el('tbody');
  for (const parameter of parameters) {
    const cell = el('td');
    describeValue(
      cell,
      { ...parameter.schema, description: parameter.description },
      parameter.required === true,
    );
    body.append(
      el('tr', null, null, [
        el('td', null, null, [el('code', null, parameter.name)]),
        el('td', null, parameter.in),
        cell,
      ]),
    );
  }
  return el('table', 'api-parameters', null, [el('thead', null, null, [head]), body]);
}

const statusBadge = (status) => el('span', `api-status api-status--${String(status)[0]}xx`, status);

/** A success (or redirect) answer: its status, description, headers and body fields. */
function responseBlock(status, response) {
  const block = el('div', 'api-response', null, [
    el('h5', null, null, [statusBadge(status), document.createTextNode(` ${response?.description ?? ''}`)]),
  ]);
  for (const [name, header] of Object.entries(response?.headers ?? {})) {
    block.append(
      el('p', 'api-header', null, [
        el('code', null, name),
        document.createTextNode(`: ${header?.description ?? ''}`),
      ]),
    );
  }
  for (const [type, media] of Object.entries(response?.content ?? {})) {
    const details = el('details', 'api-schema', null, [
      el('summary', null, `${type}: ${typeText(media?.schema)}`),
    ]);
    details.append(schemaTree(media?.schema));
    block.append(details);
  }
  return block;
}

const errorAnchor = (name) => `error-${String(name).replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** The error answers a route shares with others, on one line, each linked to the list of errors. */
function errorLine(errors) {
  const line = el('p', 'api-error-line', 'Errors: ');
  errors.forEach(([status, ref], i) => {
    const link = el('a', null, null, [statusBadge(status), document.createTextNode(` ${refName(ref)}`)]);
    link.setAttribute('href', `#${errorAnchor(refName(ref))}`);
    line.append(...(i > 0 ? [document.createTextNode(' ')] : []), link);
  });
  return line;
}

function routeSection(path, method, operation) {
  const section = el('section', 'api-route');
  section.id = anchorOf(operation.operationId ?? `${method}-${path}`);
  section.append(
    el('h3', null, null, [
      el('span', `api-method api-method--${method}`, method.toUpperCase()),
      el('code', 'api-path', path),
    ]),
    el('p', 'api-summary', operation.summary ?? ''),
  );
  if (operation.description) section.append(rich('p', null, operation.description));
  section.append(el('h4', null, 'Who may call it'), ...whoMayCall(operation));
  if (Array.isArray(operation.parameters) && operation.parameters.length > 0)
    section.append(el('h4', null, 'Parameters'), parametersTable(operation.parameters));
  const body = operation.requestBody;
  if (body) {
    section.append(el('h4', null, `Request body (${body.required ? 'required' : 'optional'})`));
    for (const [type, media] of Object.entries(body.content ?? {})) {
      section.append(
        el('p', null, null, [
          el('code', null, type),
          document.createTextNode(`: ${typeText(media?.schema)}`),
        ]),
        schemaTree(media?.schema),
      );
    }
  }
  section.append(el('h4', null, 'Answers'));
  const errors = [];
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    if (typeof response?.$ref === 'string') errors.push([status, response.$ref]);
    else section.append(responseBlock(status, response));
  }
  if (errors.length > 0) section.append(errorLine(errors));
  return section;
}

/**
 * An element of the page by id; the page always has it.
 * @param {string} id
 * @returns {HTMLElement}
 */
function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The page has no #${id}`);
  return node;
}

function render() {
  byId('api-title').textContent = doc.info?.title ?? 'HTTP API';
  byId('api-intro').append(rich('p', 'lead', doc.info?.description ?? ''));
  const byTag = new Map((doc.tags ?? []).map((tag) => [tag.name, { tag, routes: [] }]));
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS.filter((m) => isObject(item[m]))) {
      const name = item[method].tags?.[0] ?? 'Other';
      if (!byTag.has(name)) byTag.set(name, { tag: { name }, routes: [] });
      byTag.get(name).routes.push({ path, method, operation: item[method] });
    }
  }
  const contents = el('ul', 'api-contents-list');
  const routes = byId('api-routes');
  for (const { tag, routes: list } of byTag.values()) {
    if (list.length === 0) continue;
    const links = el('ul');
    for (const { path, method, operation } of list) {
      const link = el('a', null, `${method.toUpperCase()} ${path}`);
      link.setAttribute('href', `#${anchorOf(operation.operationId ?? `${method}-${path}`)}`);
      links.append(el('li', null, null, [link]));
    }
    contents.append(el('li', null, null, [el('strong', null, tag.name), links]));
    routes.append(
      el('h2', null, tag.name),
      ...(tag.description ? [rich('p', 'muted', tag.description)] : []),
    );
    for (const { path, method, operation } of list) routes.append(routeSection(path, method, operation));
  }
  byId('api-contents').append(contents);
  const errors = byId('api-error-list');
  for (const [name, response] of Object.entries(doc.components?.responses ?? {})) {
    const term = el('dt', null, name);
    term.id = errorAnchor(name);
    errors.append(term, rich('dd', null, response?.description ?? ''));
  }
  byId('api-errors').hidden = false;
}

async function main() {
  const page = byId('main');
  try {
    const { body } = await request('GET', '/api/openapi.json');
    if (!isObject(body) || !isObject(body.paths)) throw new Error('The API description could not be read.');
    doc = body;
    render();
  } catch (error) {
    const problem = byId('load-problem');
    const reason = error instanceof Error ? error.message : String(error);
    problem.textContent = `The API description could not be loaded: ${reason}`;
    problem.hidden = false;
  } finally {
    page.setAttribute('aria-busy', 'false');
  }
}

main();
