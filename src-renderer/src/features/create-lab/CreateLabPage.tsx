import { useCallback, useEffect, useMemo, useState } from 'react';
import { followClusterName, type LabFinding, type LabPlan } from '@contract';
import { useAction, useQuery } from '../../data/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { RunView } from '../runs/RunView';
import { runHash, useRunIdFromHash } from '../runs/run-route';
import { ClusterStep, CiliumStep, SampleStep } from './ClusterStep';
import { PlanFormContext } from './fields';
import { ImportFindings, ImportPanel } from './ImportPanel';
import { asDraft, getAt, setAt, stepErrors, wizardSteps, type PlanDraft } from './plan-draft';
import { PoolStep } from './PoolStep';
import { ReviewStep } from './ReviewStep';
import { usePlanValidation } from './use-plan-validation';
import './create-lab.css';

/** Create lab: the wizard, or (at `#/create-lab/run/<id>`) the run it started. */
export function CreateLabPage() {
  const runId = useRunIdFromHash();
  return runId ? <RunView id={runId} /> : <Wizard />;
}

/** `lab`, or `lab-2`, `lab-3`… when that name is already a cluster on this engine. */
function freeName(taken: readonly string[]): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? 'lab' : `lab-${n}`;
    if (!taken.includes(name)) return name;
  }
}

function Wizard() {
  const [draft, setDraft] = useState<PlanDraft>();
  const [stepIndex, setStepIndex] = useState(0);
  const [importing, setImporting] = useState(false);
  // The import's findings and the plan name they were made for (their fixes follow a rename).
  const [imported, setImported] = useState<{ findings: LabFinding[]; name: string }>();
  const createLab = useAction('lab:create');
  const { validation, checking, error: validateError } = usePlanValidation(draft);

  // The default plan, named after the clusters already here (read once: the user edits the draft).
  const clusters = useQuery('topology:clusters', {});
  const clustersRead = clusters.value !== undefined || clusters.error !== undefined;
  // Without an engine the name is not checked here; the plan check says so.
  const defaults = useQuery(
    'lab:default-plan',
    clustersRead ? { name: freeName(clusters.value?.clusters.map((c) => c.name) ?? []) } : undefined,
  );
  const loadError = defaults.error;
  const defaultPlan = defaults.value?.plan;
  useEffect(() => {
    if (defaultPlan) setDraft((current) => current ?? asDraft(defaultPlan));
  }, [defaultPlan]);

  const update = useCallback(
    (path: string, value: unknown) => setDraft((current) => (current ? setAt(current, path, value) : current)),
    [],
  );
  const findings = useMemo(() => validation?.findings ?? [], [validation]);
  const form = useMemo(() => (draft ? { draft, findings, update } : undefined), [draft, findings, update]);

  if (loadError) return <ErrorNotice error={loadError} title="The default plan could not be loaded" />;
  if (!draft || !form) return <p className="muted">Loading the default plan…</p>;

  const step = wizardSteps[stepIndex]!;
  const errors = stepErrors(findings, step.id);
  const allErrors = findings.filter((f) => f.severity === 'error');
  const blocked = checking || !validation || errors.length > 0;
  const onImported = (plan: LabPlan, next: LabFinding[]) => {
    setDraft(asDraft(plan));
    setImported({ findings: next, name: plan.cluster.name });
    setImporting(false);
  };
  const starting = createLab.busy;
  const startError = createLab.error;
  const create = () =>
    void createLab.run({ plan: draft }).then((result) => {
      if (result.ok) window.location.hash = runHash(result.value.id);
    });

  return (
    <div className="wizard">
      <header className="page-header page-header-row">
        <div>
          <h1>Create lab</h1>
          <p className="muted">
            {draft && getAt(draft, 'announce') === 'bgp'
              ? 'kind without its default CNI and kube-proxy, Cilium with its BGP control plane peering with a router beside the lab, a LoadBalancer pool the router routes — and proof that its IP answers here.'
              : 'kind without its default CNI and kube-proxy, Cilium with L2 announcements, a LoadBalancer pool on the kind network — and proof that its IP answers here.'}
          </p>
        </div>
        <span className="spacer" />
        {!importing && (
          <button type="button" className="button" onClick={() => setImporting(true)}>
            Import…
          </button>
        )}
      </header>
      {importing && (
        <ImportPanel
          name={String(getAt(draft, 'cluster.name') ?? '')}
          onImported={onImported}
          onClose={() => setImporting(false)}
        />
      )}
      {imported && (
        <section className="card" aria-label="Imported">
          <header className="card-header">
            <h2>What the import found</h2>
            <span className="spacer" />
            <button type="button" className="button button-small" onClick={() => setImported(undefined)}>
              Dismiss findings
            </button>
          </header>
          <ImportFindings
            findings={followClusterName(
              imported.findings.filter((f) => f.code !== 'pools-not-checked'),
              imported.name,
              String(getAt(draft, 'cluster.name') ?? imported.name),
            )}
          />
        </section>
      )}
      <nav aria-label="Wizard steps">
        <ol className="wizard-steps">
          {wizardSteps.map((s, index) => {
            const bad = stepErrors(findings, s.id).length > 0;
            // A later step opens only when every step before it is valid.
            const reachable =
              index <= stepIndex || wizardSteps.slice(0, index).every((p) => stepErrors(findings, p.id).length === 0);
            return (
              <li key={s.id}>
                <button
                  type="button"
                  className="wizard-step-tab"
                  aria-current={index === stepIndex ? 'step' : undefined}
                  disabled={!reachable || checking}
                  onClick={() => setStepIndex(index)}
                >
                  <span
                    className={`wizard-step-number${bad ? ' wizard-step-bad' : index < stepIndex ? ' wizard-step-done' : ''}`}
                    aria-hidden="true"
                  >
                    {bad ? '!' : index + 1}
                  </span>
                  {s.label}
                  {bad && <span className="visually-hidden"> (has errors)</span>}
                </button>
              </li>
            );
          })}
        </ol>
      </nav>
      <section className="card wizard-card" aria-labelledby="wizard-step-title">
        <h2 id="wizard-step-title">{step.label}</h2>
        {validateError && <ErrorNotice error={validateError} title="The plan could not be checked" />}
        <PlanFormContext.Provider value={form}>
          {step.id === 'cluster' && <ClusterStep draft={draft} />}
          {step.id === 'cilium' && <CiliumStep draft={draft} />}
          {step.id === 'load-balancing' && <PoolStep draft={draft} {...(validation ? { validation } : {})} />}
          {step.id === 'sample' && <SampleStep draft={draft} />}
          {step.id === 'review' &&
            (allErrors.length > 0 ? (
              <p className="wizard-hint">
                Fix the steps marked “!” first: {allErrors.map((e) => e.field ?? e.code).join(', ')}.
              </p>
            ) : (
              validation && !checking && <ReviewStep draft={draft} findings={findings} />
            ))}
        </PlanFormContext.Provider>
        {startError && <ErrorNotice error={startError} title="The run did not start" />}
        <footer className="wizard-footer">
          <button
            type="button"
            className="button"
            disabled={stepIndex === 0}
            onClick={() => setStepIndex(stepIndex - 1)}
          >
            Back
          </button>
          <span className="spacer" />
          <span className="muted small" role="status" aria-label="Plan check">
            {checking
              ? 'Checking the plan…'
              : errors.length > 0
                ? `${errors.length} problem${errors.length === 1 ? '' : 's'} on this step`
                : 'Plan checked'}
          </span>
          {step.id === 'review' ? (
            <button
              type="button"
              className="button button-primary"
              disabled={blocked || allErrors.length > 0 || starting}
              onClick={create}
            >
              {starting ? 'Starting…' : 'Create lab'}
            </button>
          ) : (
            <button
              type="button"
              className="button button-primary"
              disabled={blocked}
              onClick={() => setStepIndex(stepIndex + 1)}
            >
              Next
            </button>
          )}
        </footer>
      </section>
    </div>
  );
}
