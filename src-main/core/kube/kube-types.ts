import { z } from 'zod';

/**
 * The fields Kindscope reads of each Kubernetes object, as schemas: an object the API
 * hands over is parsed once, on arrival; what does not parse is logged and skipped
 * (STYLE rule 8). Unknown fields are dropped, which keeps 500 services small.
 */
const Labels = z.record(z.string(), z.string());
const Metadata = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  labels: Labels.optional(),
  resourceVersion: z.string().optional(),
  creationTimestamp: z.string().optional(),
});
const Condition = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

export const LabelSelector = z.object({
  matchLabels: Labels.optional(),
  matchExpressions: z
    .array(z.object({ key: z.string(), operator: z.string(), values: z.array(z.string()).optional() }))
    .optional(),
});
export type LabelSelector = z.infer<typeof LabelSelector>;

export const KubeNode = z.object({
  metadata: Metadata,
  spec: z.object({ podCIDR: z.string().optional(), podCIDRs: z.array(z.string()).optional() }).optional(),
  status: z
    .object({
      conditions: z.array(Condition).optional(),
      addresses: z.array(z.object({ type: z.string(), address: z.string() })).optional(),
    })
    .optional(),
});
export type KubeNode = z.infer<typeof KubeNode>;

export const KubeServicePort = z.object({
  name: z.string().optional(),
  port: z.number(),
  nodePort: z.number().optional(),
  protocol: z.string().optional(),
  targetPort: z.union([z.number(), z.string()]).optional(),
});
/**
 * The annotations read of a Service: the sample app's token, and LB-IPAM's sharing key (the
 * current `lbipam.cilium.io/` and the older `io.cilium/` spelling), which the diagnosis needs
 * (cilium/cilium#48419). The rest are dropped on arrival.
 */
const keptAnnotations = [
  'kindscope.dev/sample-token',
  'lbipam.cilium.io/sharing-key',
  'io.cilium/lb-ipam-sharing-key',
] as const;
export const KubeService = z.object({
  metadata: Metadata.extend({
    annotations: z
      .record(z.string(), z.string())
      .transform((a): Record<string, string> =>
        Object.fromEntries(keptAnnotations.flatMap((key) => (a[key] !== undefined ? [[key, a[key]]] : []))),
      )
      .optional(),
  }),
  spec: z
    .object({
      type: z.string().optional(),
      clusterIP: z.string().optional(),
      selector: Labels.optional(),
      ports: z.array(KubeServicePort).optional(),
      externalTrafficPolicy: z.string().optional(),
      loadBalancerClass: z.string().optional(),
    })
    .optional(),
  status: z
    .object({
      loadBalancer: z
        .object({
          ingress: z.array(z.object({ ip: z.string().optional(), hostname: z.string().optional() })).optional(),
        })
        .optional(),
      conditions: z.array(Condition).optional(),
    })
    .optional(),
});
export type KubeService = z.infer<typeof KubeService>;

export const KubeEndpointSlice = z.object({
  metadata: Metadata,
  endpoints: z
    .array(
      z.object({ conditions: z.object({ ready: z.boolean().optional() }).optional(), nodeName: z.string().optional() }),
    )
    .nullish(),
});
export type KubeEndpointSlice = z.infer<typeof KubeEndpointSlice>;

export const KubeLease = z.object({
  metadata: Metadata,
  spec: z
    .object({
      holderIdentity: z.string().optional(),
      renewTime: z.string().optional(),
      leaseDurationSeconds: z.number().optional(),
      acquireTime: z.string().optional(),
    })
    .optional(),
});
export type KubeLease = z.infer<typeof KubeLease>;

export const KubeConfigMap = z.object({ metadata: Metadata, data: z.record(z.string(), z.string()).optional() });
export type KubeConfigMap = z.infer<typeof KubeConfigMap>;

export const KubeDaemonSet = z.object({
  metadata: Metadata,
  /** The pod template's images: the Cilium agent's tag is the installed release (Cilium's deployment docs). */
  spec: z
    .object({
      template: z
        .object({
          spec: z
            .object({ containers: z.array(z.object({ name: z.string(), image: z.string().optional() })).optional() })
            .optional(),
        })
        .optional(),
    })
    .optional(),
  status: z.object({ numberReady: z.number().optional(), desiredNumberScheduled: z.number().optional() }).optional(),
});
export type KubeDaemonSet = z.infer<typeof KubeDaemonSet>;

export const KubeDeployment = z.object({
  metadata: Metadata,
  spec: z.object({ replicas: z.number().optional() }).optional(),
  status: z.object({ readyReplicas: z.number().optional() }).optional(),
});
export type KubeDeployment = z.infer<typeof KubeDeployment>;

export const KubePod = z.object({
  metadata: Metadata,
  spec: z.object({ nodeName: z.string().optional() }).optional(),
  status: z
    .object({
      phase: z.string().optional(),
      conditions: z.array(Condition).optional(),
      containerStatuses: z
        .array(
          z.object({
            name: z.string(),
            restartCount: z.number().optional(),
            /** Why a container is not running: ContainerCreating, ErrImagePull, ImagePullBackOff, CrashLoopBackOff… */
            state: z
              .object({
                waiting: z.object({ reason: z.string().optional(), message: z.string().optional() }).optional(),
                terminated: z.object({ reason: z.string().optional(), exitCode: z.number().optional() }).optional(),
              })
              .optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
export type KubePod = z.infer<typeof KubePod>;

const PoolBlock = z.object({ cidr: z.string().optional(), start: z.string().optional(), stop: z.string().optional() });
export const KubeIpPool = z.object({
  apiVersion: z.string().optional(),
  metadata: Metadata,
  spec: z
    .object({
      blocks: z.array(PoolBlock).optional(),
      cidrs: z.array(PoolBlock).optional(),
      disabled: z.boolean().optional(),
      serviceSelector: LabelSelector.optional(),
    })
    .optional(),
  status: z.object({ conditions: z.array(Condition).optional() }).optional(),
});
export type KubeIpPool = z.infer<typeof KubeIpPool>;

export const KubeL2Policy = z.object({
  metadata: Metadata,
  spec: z
    .object({
      interfaces: z.array(z.string()).optional(),
      loadBalancerIPs: z.boolean().optional(),
      externalIPs: z.boolean().optional(),
      nodeSelector: LabelSelector.optional(),
      serviceSelector: LabelSelector.optional(),
    })
    .optional(),
  status: z.object({ conditions: z.array(Condition).optional() }).optional(),
});
export type KubeL2Policy = z.infer<typeof KubeL2Policy>;

export const KubeCrd = z.object({ metadata: Metadata, spec: z.object({ group: z.string() }).optional() });
export type KubeCrd = z.infer<typeof KubeCrd>;

/** A parse function for the informer: the object, or undefined when it does not fit. */
export function parserOf<S extends z.ZodType>(schema: S): (raw: unknown) => z.infer<S> | undefined {
  return (raw) => {
    const result = schema.safeParse(raw);
    return result.success ? result.data : undefined;
  };
}
