/**
 * The ordered commands that build a lab, as data: the pipeline runs them (spawn with the
 * argument array, files written to a work folder, manifests on stdin) and the standalone
 * script prints the very same list. One source, so the two cannot drift.
 */
import type { LabPlan, LabStep } from '../../../contract';
import { renderHelmValuesYaml, renderKindConfig, renderL2Policy, renderPool, renderSample } from './render';
import { renderBgp } from './render-bgp';
import { renderRouterFiles } from './router';
import { applyBgpStep, kindSubnetAtRun, routerSteps } from './steps-bgp';

// BGP mode's steps and their run-time stand-ins (steps-bgp.ts), importable from here as before.
export { kindSubnetAtRun, lbGatewayAtRun, lbIpRangeAtRun, lbSubnetAtRun } from './steps-bgp';

export const ciliumRepo = { name: 'cilium', url: 'https://helm.cilium.io/' };

/** Files the steps refer to as `{ file }`, and manifests they feed on stdin, by name. */
export interface LabArtifacts {
  files: Record<string, string>;
  manifests: { pool: string; l2Policy: string; sample?: string; bgp?: string };
}

/**
 * Stands for the block in the pool manifest while it is carved at run time (no kind network
 * yet when the plan was made): the pipeline renders the manifest again with the carved
 * block, the script substitutes its own carving.
 */
export const poolCidrAtRun = 'CARVED-AT-RUN-TIME';

/** `poolCidr` undefined: carved at run time, once kind has made the network. */
export function labArtifacts(plan: LabPlan, poolCidr: string | undefined): LabArtifacts {
  const sample = renderSample(plan);
  return {
    files: {
      'kind-config.yaml': renderKindConfig(plan),
      'cilium-values.yaml': renderHelmValuesYaml(plan),
      // The router's files need the kind subnet: rendered again by the run once kind made the network.
      ...(plan.announce === 'bgp' ? renderRouterFiles(plan, kindSubnetAtRun) : {}),
    },
    manifests: {
      pool: renderPool(plan, poolCidr ?? poolCidrAtRun),
      l2Policy: renderL2Policy(plan),
      ...(sample ? { sample } : {}),
      ...(plan.announce === 'bgp' ? { bgp: renderBgp(plan) } : {}),
    },
  };
}

export const kubeContext = (plan: LabPlan) => `kind-${plan.cluster.name}`;

/** The steps in the order they must run; `networkName` is the Docker network kind uses (`KIND_EXPERIMENTAL_DOCKER_NETWORK` or `kind`). */
export function labSteps(plan: LabPlan, artifacts: LabArtifacts, networkName = 'kind'): LabStep[] {
  const { name } = plan.cluster;
  const context = kubeContext(plan);
  const kubectl = ['kubectl', '--context', context];
  const sample = plan.sample;
  const steps: LabStep[] = [
    {
      id: 'helm-repo-add',
      title: 'Add the Cilium chart repository',
      command: ['helm', 'repo', 'add', ciliumRepo.name, ciliumRepo.url],
      creates: 'the helm repository "cilium"',
    },
    {
      id: 'helm-repo-update',
      title: 'Refresh the chart index',
      command: ['helm', 'repo', 'update', ciliumRepo.name],
      creates: 'an up-to-date index of the Cilium charts',
    },
    {
      id: 'kind-create',
      title: `Create the kind cluster ${name}`,
      command: ['kind', 'create', 'cluster', '--name', name, '--config', { file: 'kind-config.yaml' }],
      creates: `node containers ${name}-control-plane…, the kind network if missing, the kubeconfig context ${context}`,
    },
    // Right after kind made the network (on a fresh engine it did not exist when the plan
    // was made): an auto pool is carved from it, a given one checked against it.
    {
      id: 'carve-pool',
      title:
        plan.pool.cidr === 'auto'
          ? 'Carve the LoadBalancer pool from the kind network'
          : 'Check the pool against the kind network',
      command: ['docker', 'network', 'inspect', networkName],
      creates:
        plan.pool.cidr === 'auto'
          ? `a free block of the ${networkName} network for the pool (no node, gateway, container or other cluster's pool in it)`
          : `the certainty that ${plan.pool.cidr} lies inside the ${networkName} network and is free`,
    },
    ...(plan.announce === 'bgp' ? routerSteps(plan, networkName) : []),
    {
      id: 'cilium-install',
      title: `Install Cilium ${plan.cilium.version}`,
      // --wait with an explicit timeout: pulling the agent image can take minutes.
      command: [
        'helm',
        'install',
        'cilium',
        'cilium/cilium',
        '--version',
        plan.cilium.version,
        '--namespace',
        'kube-system',
        '--kube-context',
        context,
        '--values',
        { file: 'cilium-values.yaml' },
        '--wait',
        '--timeout',
        '10m0s',
      ],
      creates: 'the Cilium agents, operator and CRDs in kube-system',
    },
    // Pods rather than `rollout status daemonset/cilium`: that needs the DaemonSet's
    // RollingUpdate strategy, which the test lab's simulated chart does not set.
    {
      id: 'cilium-ready',
      title: 'Wait for the Cilium agents',
      command: [
        ...kubectl,
        '--namespace',
        'kube-system',
        'wait',
        '--for=condition=Ready',
        'pods',
        '--selector',
        'k8s-app=cilium',
        '--timeout=300s',
      ],
      creates: 'a running Cilium agent on every node',
    },
    {
      id: 'nodes-ready',
      title: 'Wait for the nodes to be Ready',
      command: [...kubectl, 'wait', '--for=condition=Ready', 'nodes', '--all', '--timeout=300s'],
      creates: 'Ready nodes with pod routes',
    },
    {
      id: 'apply-pool',
      title: 'Create the LoadBalancer IP pool',
      command: [...kubectl, 'apply', '-f', '-'],
      stdin: 'pool',
      creates: `the CiliumLoadBalancerIPPool ${plan.pool.name}`,
    },
    plan.announce === 'bgp'
      ? applyBgpStep(plan, kubectl)
      : {
          id: 'apply-l2-policy',
          title: 'Create the L2 announcement policy',
          command: [...kubectl, 'apply', '-f', '-'],
          stdin: 'l2Policy',
          creates: `the CiliumL2AnnouncementPolicy ${plan.l2Policy.name}`,
        },
  ];
  if (artifacts.manifests.sample) {
    steps.push(
      {
        id: 'apply-sample',
        title: `Deploy the sample app ${sample.name}`,
        command: [...kubectl, 'apply', '-f', '-'],
        stdin: 'sample',
        creates: `the Deployment and LoadBalancer Service ${sample.namespace}/${sample.name}`,
      },
      {
        id: 'sample-ready',
        title: 'Wait for the sample pods',
        command: [
          ...kubectl,
          '--namespace',
          sample.namespace,
          'rollout',
          'status',
          `deployment/${sample.name}`,
          '--timeout=180s',
        ],
        creates: `${sample.replicas} ready nginx pods`,
      },
      {
        id: 'external-ip',
        title: 'Wait for the external IP',
        command: [
          ...kubectl,
          '--namespace',
          sample.namespace,
          'get',
          'service',
          sample.name,
          '--output',
          'jsonpath={.status.loadBalancer.ingress[0].ip}',
        ],
        poll: { timeoutSeconds: 120, intervalSeconds: 2 },
        creates: 'a LoadBalancer IP from the pool',
      },
      {
        id: 'curl-sample',
        title: 'Ask the sample app from this machine',
        command: [
          'curl',
          '--fail',
          '--silent',
          '--show-error',
          '--max-time',
          '5',
          '--retry',
          '10',
          '--retry-delay',
          '1',
          '--retry-all-errors',
          { output: 'external-ip', prefix: 'http://', suffix: sample.port === 80 ? '/' : `:${sample.port}/` },
        ],
        creates: 'proof that the LoadBalancer IP answers (a node answered ARP for it)',
      },
    );
  }
  return steps;
}
