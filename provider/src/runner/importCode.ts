/**
 * The TypeScript that `ibm-flowlogs run import` prints for the program, as `pulumi import` prints it (its wording
 * from pulumi/pulumi pkg/cmd/pulumi/operations/import.go): the resource with the inputs that were imported and, when
 * the import protected it, `protect: true`. Pasted as is, the next up finds nothing to change. Pure.
 */
import { SECRET_SIG, SIG_KEY, UNKNOWN_SENTINEL, type WireObject, type WireValue } from '../rpc/codec';
import { PACKAGE } from './providers';

/** The SDK's module name, as the examples import it. */
const SDK_MODULE = '@ibmflowlogs/pulumi';

/** `ibmflowlogs:index:FlowLogCollector` → `ibmflowlogs.FlowLogCollector` (a module other than index is a namespace). */
export function sdkClassOf(type: string): string {
  const [pkg, module, name] = type.split(':');
  return module === 'index' || module === '' ? `${pkg}.${name}` : `${pkg}.${module.replace(/\//g, '.')}.${name}`;
}

/** A variable name for a resource name: what is not an identifier character becomes `_` (a digit first gets one too). */
export function variableOf(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_$]/g, '_');
  return /^[0-9]/.test(id) ? `_${id}` : id || '_';
}

function literal(value: WireValue, indent: string): string {
  if (value === UNKNOWN_SENTINEL) return 'undefined /* unknown when imported */';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = `${indent}    `;
    return `[\n${value.map((v) => `${inner}${literal(v, inner)},`).join('\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    // A secret's value is never printed: the program must take it from its config.
    if ((value as WireObject)[SIG_KEY] === SECRET_SIG) return 'pulumi.secret("<secret: read it from the stack config>")';
    return objectLiteral(value as WireObject, indent);
  }
  return JSON.stringify(value);
}

function objectLiteral(obj: WireObject, indent: string): string {
  const entries = Object.entries(obj).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return '{}';
  const inner = `${indent}    `;
  const key = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k));
  return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${literal(v, inner)},`).join('\n')}\n${indent}}`;
}

const hasSecret = (v: WireValue): boolean =>
  Array.isArray(v) ? v.some(hasSecret) : v !== null && typeof v === 'object' ? (v as WireObject)[SIG_KEY] === SECRET_SIG || Object.values(v).some(hasSecret) : false;

export function importCode(imported: { type: string; name: string; inputs: WireObject; protect: boolean }): string {
  const lines = [
    'Please copy the following code into your Pulumi application. Not doing so',
    'will cause the next `ibm-flowlogs run up` (or `pulumi up`) to report a change.',
    '',
  ];
  if (imported.protect) {
    lines.push(
      'Please note that the imported resource is marked as protected. To destroy it',
      'you will need to remove the `protect` option and run `ibm-flowlogs run up` *before*',
      'the destroy will take effect.',
      '',
    );
  }
  if (hasSecret(imported.inputs)) lines.push('import * as pulumi from "@pulumi/pulumi";');
  lines.push(`import * as ${PACKAGE} from "${SDK_MODULE}";`, '');
  const options = imported.protect ? ', {\n    protect: true,\n}' : '';
  lines.push(`const ${variableOf(imported.name)} = new ${sdkClassOf(imported.type)}(${JSON.stringify(imported.name)}, ${objectLiteral(imported.inputs, '')}${options});`);
  return lines.join('\n');
}
