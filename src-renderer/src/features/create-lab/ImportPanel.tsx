import { useId, useState } from 'react';
import type { LabFinding, LabPlan } from '@contract';
import { useAction } from '../../data/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { RichText } from '../../components/RichText';

/** The importer's findings: what was wrong in the pasted text, and whether the plan already has the fix. */
export function ImportFindings({ findings }: { findings: readonly LabFinding[] }) {
  if (findings.length === 0) return <p className="muted">Nothing to correct in what you pasted.</p>;
  return (
    <ul className="import-findings" aria-label="Import findings">
      {findings.map((finding) => (
        <li
          key={`${finding.code}-${finding.field ?? ''}`}
          className={`import-finding import-finding-${finding.severity}`}
        >
          <span className={`import-badge ${finding.applied ? 'import-badge-applied' : 'import-badge-offered'}`}>
            {finding.applied ? 'Fixed in the plan' : 'To do'}
          </span>
          <div>
            <p className="import-message">
              {finding.field && <code className="import-field">{finding.field}</code>}{' '}
              <RichText text={finding.message} />
            </p>
            <p className="import-fix">
              <span className="muted">{finding.applied ? 'Applied: ' : 'Fix: '}</span>
              <RichText text={finding.fix} />
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}

/** Paste an article's kind config and/or `helm install … --set …` line: the plan it means, every mistake explained. */
export function ImportPanel({
  name,
  onImported,
  onClose,
}: {
  name: string;
  onImported: (plan: LabPlan, findings: LabFinding[]) => void;
  onClose: () => void;
}) {
  const importText = useAction('lab:import');
  const id = useId();
  const [text, setText] = useState('');
  const { busy, error } = importText;
  return (
    <section className="card import-panel" aria-label="Import">
      <header className="card-header">
        <h2>Import from an article or your shell history</h2>
        <span className="spacer" />
        <button type="button" className="button button-small" onClick={onClose}>
          Close import
        </button>
      </header>
      <label htmlFor={id} className="wizard-label">
        Pasted kind config and/or helm command
      </label>
      <textarea
        id={id}
        className="import-text"
        rows={9}
        spellCheck={false}
        value={text}
        placeholder={
          'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n…\nhelm install cilium cilium/cilium --version 1.15.4 \\\n  --set kubeProxyReplacement=true …'
        }
        aria-describedby={`${id}-help`}
        onChange={(event) => setText(event.target.value)}
      />
      <p id={`${id}-help`} className="wizard-help">
        YAML documents and shell lines in any order, with line continuations and quotes as a shell reads them. The
        wizard then shows the plan they describe, corrected.
      </p>
      {error && <ErrorNotice error={error} title="The text could not be imported" />}
      <div>
        <button
          type="button"
          className="button button-primary"
          disabled={busy || text.trim() === ''}
          onClick={() =>
            void importText
              .run({ sources: [{ name: 'pasted text', text }], ...(name ? { name } : {}) })
              .then((result) => result.ok && onImported(result.value.plan, result.value.findings))
          }
        >
          {busy ? 'Reading…' : 'Import'}
        </button>
      </div>
    </section>
  );
}
