import { useState } from 'react';
import type { CallOutput, Finding, FixKind, ServiceStatus } from '@contract';
import { useAppStore } from '../../app-context';
import { copyText } from '../../components/clipboard';
import { RichText } from '../../components/RichText';
import { useAction, useQuery } from '../../data/hooks';
import { runHash } from '../runs/run-route';
import { FixDialog } from './FixDialog';

/** Which repair of `kindscope fix` (lab:fix-plan) answers a finding; the others are the user's to make. */
const repairFor: Readonly<Record<string, FixKind>> = {
  'no-pool': 'pool',
  'pool-outside-docker-network': 'pool',
  'vip-outside-docker-network': 'pool',
  'no-l2-policy': 'l2-policy',
  'kube-proxy-replacement-off': 'cilium-values',
  'l2-announcements-disabled': 'cilium-values',
};

/** The commands a fix names in backticks: each is offered for copying as it stands. */
const commandsIn = (fix: string) => [...fix.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter((c) => c.includes(' '));

/**
 * Why a LoadBalancer service is `<pending>` or unreachable, and what to do, where the user
 * looks at it — Troubleshoot, Topology's side panel and Clusters show this one component, from
 * the live status model, before any check: each reason with its fix, a Copy button for each
 * command the fix names, and **Fix…** where Kindscope's repair run makes the change (it
 * shows its steps and asks first).
 */
export function ServiceWhy({ cluster, service }: { cluster: string; service: ServiceStatus }) {
  const label = `${service.namespace}/${service.name}`;
  const pending = service.externalIPs.length === 0;
  const findings: (Omit<Finding, 'code'> & { code: string })[] =
    service.findings.length > 0 || !pending
      ? service.findings
      : [
          {
            code: 'pending-unexplained',
            message: 'No IP yet, and no reason found in what is read so far.',
            fix: `Watch it with \`kubectl --context kind-${cluster} -n ${service.namespace} get service ${service.name} -w\`; Troubleshoot → Check from this machine measures it.`,
          },
        ];
  const repairs = [...new Set(findings.map((f) => repairFor[f.code]).filter((r): r is FixKind => !!r))];
  // The repair plan is asked only for a service a repair can help (one call per such row, not per service).
  const plan = useQuery('lab:fix-plan', repairs.length > 0 ? { cluster } : undefined, {
    refetchOn: { 'cluster:status-changed': (pushed) => pushed.cluster === cluster },
    coalesceMs: 1_000,
  });
  const offered = plan.value && repairs.some((r) => plan.value!.fixes.includes(r)) ? plan.value : undefined;
  const fix = useAction('lab:fix');
  const showError = useAppStore((state) => state.showError);
  // The plan as it was when the dialog opened: what the user reviews is what runs, even if the live plan moves on.
  const [asking, setAsking] = useState<CallOutput<'lab:fix-plan'>>();
  const [copied, setCopied] = useState<string>();
  if (findings.length === 0) return null;
  return (
    <div className="service-why" role="group" aria-label={`Reason and fix for ${label}`}>
      <p className="service-why-title">
        <strong>{pending ? `Why ${label} is <pending>` : `Why ${label} may not answer`}</strong>
      </p>
      <ul className="findings" aria-label={`Why ${label}`}>
        {findings.map((finding) => (
          <li key={`${finding.code}:${finding.message}`}>
            <strong>{finding.message}</strong>
            <span>
              Fix: <RichText text={finding.fix} />
            </span>
            {commandsIn(finding.fix).map((command) => (
              <button
                key={command}
                type="button"
                className="button button-secondary button-small"
                aria-label={`Copy: ${command}`}
                onClick={() => void copyText(command).then((ok) => ok && setCopied(command))}
              >
                {copied === command ? 'Copied' : 'Copy command'}
              </button>
            ))}
          </li>
        ))}
      </ul>
      {offered && (
        <button
          type="button"
          className="button button-primary"
          aria-label={`Fix ${cluster} for ${label}`}
          onClick={() => setAsking(offered)}
        >
          Fix…
        </button>
      )}
      {asking && (
        <FixDialog
          cluster={cluster}
          plan={asking}
          busy={fix.busy}
          onCancel={() => setAsking(undefined)}
          onConfirm={(chosen) =>
            void fix.run({ cluster, confirm: true, repairs: chosen }).then((result) => {
              setAsking(undefined);
              if (!result.ok) return showError(result.error);
              window.location.hash = runHash(result.value.id, result.value.kind);
            })
          }
        />
      )}
    </div>
  );
}
