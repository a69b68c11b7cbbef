/**
 * Decodes the Kubernetes protobuf bodies that kubectl's typed clients send
 * (`kubectl create deployment|namespace|service|configmap`), for the fields those
 * commands set. Field numbers from k8s.io/api generated.proto. Unknown fields are
 * reported, never silently taken as something else.
 */
import type { KubeObject as Obj } from './kube-object.ts';
type FieldType = 'string' | 'int' | 'bool' | { message: string } | { map: true } | 'time' | 'intOrString' | 'bytes';
interface Field {
  name: string;
  type: FieldType;
  repeated?: boolean;
}

const m = (message: string) => ({ message });
const schemas: Record<string, Record<number, Field>> = {
  ObjectMeta: {
    4: { name: 'selfLink', type: 'string' },
    5: { name: 'uid', type: 'string' },
    6: { name: 'resourceVersion', type: 'string' },
    7: { name: 'generation', type: 'int' },
    1: { name: 'name', type: 'string' },
    2: { name: 'generateName', type: 'string' },
    3: { name: 'namespace', type: 'string' },
    8: { name: 'creationTimestamp', type: 'time' },
    11: { name: 'labels', type: { map: true } },
    12: { name: 'annotations', type: { map: true } },
    14: { name: 'finalizers', type: 'string', repeated: true },
  },
  LabelSelector: {
    1: { name: 'matchLabels', type: { map: true } },
    2: { name: 'matchExpressions', type: m('LabelSelectorRequirement'), repeated: true },
  },
  LabelSelectorRequirement: {
    1: { name: 'key', type: 'string' },
    2: { name: 'operator', type: 'string' },
    3: { name: 'values', type: 'string', repeated: true },
  },
  Deployment: {
    1: { name: 'metadata', type: m('ObjectMeta') },
    2: { name: 'spec', type: m('DeploymentSpec') },
    3: { name: 'status', type: m('Empty') },
  },
  DeploymentSpec: {
    1: { name: 'replicas', type: 'int' },
    2: { name: 'selector', type: m('LabelSelector') },
    3: { name: 'template', type: m('PodTemplateSpec') },
    4: { name: 'strategy', type: m('DeploymentStrategy') },
    5: { name: 'minReadySeconds', type: 'int' },
  },
  DeploymentStrategy: { 1: { name: 'type', type: 'string' } },
  PodTemplateSpec: { 1: { name: 'metadata', type: m('ObjectMeta') }, 2: { name: 'spec', type: m('PodSpec') } },
  PodSpec: {
    2: { name: 'containers', type: m('Container'), repeated: true },
    3: { name: 'restartPolicy', type: 'string' },
    7: { name: 'nodeSelector', type: { map: true } },
    8: { name: 'serviceAccountName', type: 'string' },
    10: { name: 'nodeName', type: 'string' },
    11: { name: 'hostNetwork', type: 'bool' },
  },
  Container: {
    1: { name: 'name', type: 'string' },
    2: { name: 'image', type: 'string' },
    3: { name: 'command', type: 'string', repeated: true },
    4: { name: 'args', type: 'string', repeated: true },
    6: { name: 'ports', type: m('ContainerPort'), repeated: true },
    7: { name: 'env', type: m('EnvVar'), repeated: true },
    8: { name: 'resources', type: m('Empty') },
    14: { name: 'imagePullPolicy', type: 'string' },
  },
  ContainerPort: {
    1: { name: 'name', type: 'string' },
    2: { name: 'hostPort', type: 'int' },
    3: { name: 'containerPort', type: 'int' },
    4: { name: 'protocol', type: 'string' },
  },
  EnvVar: { 1: { name: 'name', type: 'string' }, 2: { name: 'value', type: 'string' } },
  Namespace: {
    1: { name: 'metadata', type: m('ObjectMeta') },
    2: { name: 'spec', type: m('Empty') },
    3: { name: 'status', type: m('Empty') },
  },
  Service: {
    1: { name: 'metadata', type: m('ObjectMeta') },
    2: { name: 'spec', type: m('ServiceSpec') },
    3: { name: 'status', type: m('Empty') },
  },
  ServiceSpec: {
    1: { name: 'ports', type: m('ServicePort'), repeated: true },
    2: { name: 'selector', type: { map: true } },
    3: { name: 'clusterIP', type: 'string' },
    4: { name: 'type', type: 'string' },
    5: { name: 'externalIPs', type: 'string', repeated: true },
    7: { name: 'sessionAffinity', type: 'string' },
    8: { name: 'loadBalancerIP', type: 'string' },
    10: { name: 'externalName', type: 'string' },
    11: { name: 'externalTrafficPolicy', type: 'string' },
    12: { name: 'healthCheckNodePort', type: 'int' },
    13: { name: 'publishNotReadyAddresses', type: 'bool' },
  },
  ServicePort: {
    1: { name: 'name', type: 'string' },
    2: { name: 'protocol', type: 'string' },
    3: { name: 'port', type: 'int' },
    4: { name: 'targetPort', type: 'intOrString' },
    5: { name: 'nodePort', type: 'int' },
  },
  ConfigMap: { 1: { name: 'metadata', type: m('ObjectMeta') }, 2: { name: 'data', type: { map: true } } },
  DeleteOptions: { 1: { name: 'gracePeriodSeconds', type: 'int' }, 4: { name: 'propagationPolicy', type: 'string' } },
  Empty: {},
};

/** Pointer fields (*int32) whose zero is meaningful. */
const pointerInts = new Set(['replicas']);

class Reader {
  private offset = 0;
  private readonly bytes: Buffer;
  constructor(bytes: Buffer) {
    this.bytes = bytes;
  }
  get done(): boolean {
    return this.offset >= this.bytes.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.bytes[this.offset++];
      if (byte === undefined) throw new Error('truncated protobuf');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  }
  bytesField(): Buffer {
    const length = Number(this.varint());
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 2) this.bytesField();
    else if (wireType === 1) this.offset += 8;
    else if (wireType === 5) this.offset += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

function decodeMessage(bytes: Buffer, type: string, unknown: string[]): Obj {
  const schema = schemas[type] ?? {};
  const result: Obj = {};
  const reader = new Reader(bytes);
  while (!reader.done) {
    const key = Number(reader.varint());
    const number = key >> 3;
    const wire = key & 7;
    const field = schema[number];
    if (!field) {
      if (type !== 'Empty') unknown.push(`${type}.${number}`);
      reader.skip(wire);
      continue;
    }
    let value: unknown;
    const t = field.type;
    if (t === 'string') value = reader.bytesField().toString('utf8');
    else if (t === 'bytes') value = reader.bytesField().toString('base64');
    else if (t === 'int') value = Number(BigInt.asIntN(64, reader.varint()));
    else if (t === 'bool') value = reader.varint() !== 0n;
    else if (t === 'time') {
      reader.skip(wire);
      continue;
    } else if (t === 'intOrString') {
      const inner = decodeIntOrString(reader.bytesField());
      value = inner;
    } else if ('map' in t) {
      const entry = new Reader(reader.bytesField());
      let k = '';
      let v = '';
      while (!entry.done) {
        const entryKey = Number(entry.varint());
        const text = entry.bytesField().toString('utf8');
        if (entryKey >> 3 === 1) k = text;
        else v = text;
      }
      result[field.name] = { ...(result[field.name] ?? {}), [k]: v };
      continue;
    } else value = decodeMessage(reader.bytesField(), t.message, unknown);
    if (field.repeated) (result[field.name] ??= []).push(value);
    // gogo-protobuf writes every non-pointer field; JSON omits empty ones (omitempty).
    else if (value === '' || value === false || (value === 0 && !pointerInts.has(field.name))) continue;
    else result[field.name] = value;
  }
  return result;
}

function decodeIntOrString(bytes: Buffer): number | string {
  const reader = new Reader(bytes);
  let kind = 0;
  let intVal = 0;
  let strVal = '';
  while (!reader.done) {
    const key = Number(reader.varint());
    if (key >> 3 === 1) kind = Number(reader.varint());
    else if (key >> 3 === 2) intVal = Number(reader.varint());
    else if (key >> 3 === 3) strVal = reader.bytesField().toString('utf8');
    else reader.skip(key & 7);
  }
  return kind === 1 ? strVal : intVal;
}

/** `k8s\0` + runtime.Unknown{typeMeta{apiVersion,kind}, raw} → the object as JSON. */
export function decodeKubernetesProtobuf(body: Buffer): { object: Obj; unknownFields: string[] } {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\u0000') throw new Error('not a Kubernetes protobuf body');
  const reader = new Reader(body.subarray(4));
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  while (!reader.done) {
    const key = Number(reader.varint());
    if (key >> 3 === 1) {
      const meta = new Reader(reader.bytesField());
      while (!meta.done) {
        const metaKey = Number(meta.varint());
        const text = meta.bytesField().toString('utf8');
        if (metaKey >> 3 === 1) apiVersion = text;
        else if (metaKey >> 3 === 2) kind = text;
      }
    } else if (key >> 3 === 2) raw = reader.bytesField();
    else reader.skip(key & 7);
  }
  if (!schemas[kind]) throw new Error(`the lab cannot decode protobuf ${kind}; send JSON`);
  const unknownFields: string[] = [];
  const object = decodeMessage(raw, kind, unknownFields);
  return { object: { apiVersion, kind, ...object }, unknownFields };
}
