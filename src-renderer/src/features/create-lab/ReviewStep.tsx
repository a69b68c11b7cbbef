import { useState } from 'react';
import type { CallOutput, LabFinding } from '@contract';
import { useQuery } from '../../data/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { CodeView } from './CodeView';
import { FieldFindings } from './fields';
import type { PlanDraft } from './plan-draft';

type Rendering = CallOutput<'lab:render'>;

interface Tab {
  id: string;
  title: string;
  fileName: string;
  text: string;
  save: boolean;
}

function tabsOf(rendering: Rendering, name: string): Tab[] {
  const tabs: Tab[] = [
    { id: 'kind', title: 'kind config', fileName: 'kind-config.yaml', text: rendering.kindConfig, save: false },
    {
      id: 'values',
      title: 'Helm values',
      fileName: 'cilium-values.yaml',
      text: rendering.files['cilium-values.yaml'] ?? JSON.stringify(rendering.helmValues, null, 2),
      save: false,
    },
    { id: 'pool', title: 'Pool manifest', fileName: 'pool.yaml', text: rendering.manifests.pool, save: false },
    // BGP mode: the three BGP objects and the router's configuration instead of the L2 policy.
    ...(rendering.plan.announce === 'bgp'
      ? [
          {
            id: 'bgp',
            title: 'BGP objects',
            fileName: 'bgp.yaml',
            text: rendering.manifests.bgp ?? '',
            save: false,
          },
          {
            id: 'router',
            title: 'Router (frr.conf)',
            fileName: 'frr.conf',
            text: rendering.files['router-frr.conf'] ?? '',
            save: false,
          },
        ]
      : [
          {
            id: 'policy',
            title: 'L2 policy manifest',
            fileName: 'l2-policy.yaml',
            text: rendering.manifests.l2Policy,
            save: false,
          },
        ]),
  ];
  if (rendering.manifests.sample)
    tabs.push({
      id: 'sample',
      title: 'Sample app manifest',
      fileName: 'sample.yaml',
      text: rendering.manifests.sample,
      save: false,
    });
  tabs.push({ id: 'plan', title: 'Plan (lab.yaml)', fileName: 'lab.yaml', text: rendering.labYaml, save: true });
  if (rendering.script)
    tabs.push({ id: 'script', title: 'Script', fileName: `create-${name}.sh`, text: rendering.script, save: true });
  return tabs;
}

/** Everything the plan creates, before anything runs: a summary, the steps, and each generated file. */
export function ReviewStep({ draft, findings }: { draft: PlanDraft; findings: readonly LabFinding[] }) {
  const { value: rendering, error } = useQuery('lab:render', { plan: draft, script: true }, { keepPrevious: true });
  const [tab, setTab] = useState('kind');
  const notes = findings.filter((f) => f.severity !== 'error' || !f.field);
  if (error) return <ErrorNotice error={error} title="The plan cannot be rendered" />;
  if (!rendering) return <p className="muted">Rendering the plan…</p>;
  const plan = rendering.plan;
  const tabs = tabsOf(rendering, plan.cluster.name);
  const shown = tabs.find((t) => t.id === tab) ?? tabs[0]!;
  return (
    <div className="review">
      <section className="review-summary" aria-label="Summary">
        <dl className="summary-grid">
          <div>
            <dt>Cluster</dt>
            <dd>
              <code>{plan.cluster.name}</code> · context <code>kind-{plan.cluster.name}</code>
            </dd>
          </div>
          <div>
            <dt>Nodes</dt>
            <dd>
              {plan.cluster.controlPlanes} control plane{plan.cluster.controlPlanes > 1 ? 's' : ''} +{' '}
              {plan.cluster.workers} worker{plan.cluster.workers === 1 ? '' : 's'} ·{' '}
              {plan.cluster.nodeImage.split('@')[0]}
            </dd>
          </div>
          <div>
            <dt>Cilium</dt>
            <dd>
              {plan.cilium.version} · kube-proxy replacement ·{' '}
              {plan.announce === 'bgp'
                ? `BGP control plane (nodes AS ${plan.bgp?.localASN ?? 65001} ⇄ router AS ${plan.bgp?.routerASN ?? 65000})`
                : plan.cilium.l2announcements.enabled
                  ? `L2 announcements (lease ${plan.cilium.l2announcements.leaseDuration})`
                  : 'no L2 announcements'}{' '}
              · {plan.cilium.routingMode}
            </dd>
          </div>
          <div>
            <dt>Pool</dt>
            <dd>
              {rendering.poolCidr || plan.pool.cidr !== 'auto' ? (
                <>
                  <code>{rendering.poolCidr ?? plan.pool.cidr}</code>{' '}
                  {plan.announce === 'bgp'
                    ? `on its own network ${plan.cluster.name}-lb, through the router`
                    : 'on the kind network'}
                </>
              ) : (
                <>
                  {rendering.findings
                    .find((f) => f.code === 'pool-carved-at-run')
                    ?.message.replace(/^pool\.cidr is auto: the pool is carved/, 'Carved') ??
                    'Carved from the kind network once kind creates it'}
                </>
              )}
            </dd>
          </div>
          <div>
            <dt>Sample</dt>
            <dd>
              {plan.sample.enabled
                ? `${plan.sample.namespace}/${plan.sample.name} ` +
                  `(${plan.sample.image} ×${plan.sample.replicas}) behind a LoadBalancer on port ` +
                  `${plan.sample.port}`
                : 'none'}
            </dd>
          </div>
        </dl>
        {notes.length > 0 && <FieldFindings findings={notes} id="review-notes" />}
      </section>
      <section aria-label="What will be created">
        <h3 className="review-heading">What the run will do</h3>
        <ol className="review-steps">
          {/* The run's own step list (same function that builds the run), with what each plan step creates. */}
          {(rendering.runSteps ?? []).map((step) => (
            <li key={step.name}>
              <strong>{step.title}</strong>{' '}
              <span className="muted">
                — {rendering.steps.find((s) => s.id === step.name)?.creates ?? step.command}
              </span>
            </li>
          ))}
        </ol>
      </section>
      <section aria-label="Generated files">
        <div role="tablist" aria-label="Generated files" className="tabs">
          {tabs.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`review-tab-${t.id}`}
              aria-selected={t.id === shown.id}
              aria-controls="review-tabpanel"
              tabIndex={t.id === shown.id ? 0 : -1}
              className="tab"
              onClick={() => setTab(t.id)}
              onKeyDown={(event) => {
                const index = tabs.findIndex((x) => x.id === shown.id);
                const next =
                  event.key === 'ArrowRight'
                    ? tabs[(index + 1) % tabs.length]
                    : event.key === 'ArrowLeft'
                      ? tabs[(index - 1 + tabs.length) % tabs.length]
                      : undefined;
                if (next) {
                  setTab(next.id);
                  document.getElementById(`review-tab-${next.id}`)?.focus();
                }
              }}
            >
              {t.title}
            </button>
          ))}
        </div>
        <div role="tabpanel" id="review-tabpanel" aria-labelledby={`review-tab-${shown.id}`}>
          <CodeView title={shown.title} text={shown.text} fileName={shown.fileName} save={shown.save} />
        </div>
      </section>
    </div>
  );
}
