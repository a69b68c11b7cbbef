import { useEffect, useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ToolsReport, ToolStatus } from '@contract';
import { useAppContext, useAppStore } from '../../app-context';
import { checkToolsAgain, chooseToolPath, downloadTool } from './tools-commands';
import { followTools } from './tools-loader';
import { ErrorNotice } from '../../components/ErrorNotice';
import { RichText } from '../../components/RichText';
import { StatusPill } from '../../components/StatusPill';
import { downloadOffer } from './download-offer';

const statusLabel: Record<ToolStatus['status'], string> = {
  ok: 'Ready',
  'too-old': 'Too old',
  missing: 'Missing',
  broken: 'Broken',
  'not-applicable': 'Not needed',
};

export function SettingsPage() {
  const context = useAppContext();
  const { report, error } = useAppStore(
    useShallow((state) => ({ report: state.toolsReport, error: state.toolsError })),
  );
  useEffect(() => followTools(context), [context]);
  return (
    <>
      <header className="page-header">
        <h1>Settings</h1>
        <p className="muted">The tools Kindscope runs, where it found them, and the environment it runs them with.</p>
      </header>
      {error && <ErrorNotice error={error} title="Kindscope cannot list its tools" />}
      <section className="card" aria-labelledby="tools-title">
        <header className="card-header">
          <h2 id="tools-title">Tools</h2>
          <span className="spacer" />
          <button type="button" className="button" onClick={() => void checkToolsAgain(context)}>
            Check again
          </button>
        </header>
        {!report && <p className="muted">Looking for kind, helm, kubectl, cilium and docker…</p>}
        {report && (
          <ul className="tools" aria-label="Tools">
            {report.tools
              .filter((tool) => tool.status !== 'not-applicable')
              .map((tool) => (
                <ToolRow key={tool.name} tool={tool} />
              ))}
          </ul>
        )}
      </section>
      {report && (
        <section className="card" aria-labelledby="environment-title">
          <h2 id="environment-title">Environment</h2>
          <p className="muted">
            Login shell: {report.environment.loginShell.status}
            {report.environment.loginShell.problem ? ` — ${report.environment.loginShell.problem}` : ''}
          </p>
          <table className="facts">
            <caption className="visually-hidden">Environment values and where they came from</caption>
            <tbody>
              {(['kubeconfig', 'dockerHost', 'dockerContext'] as const).map((key) => (
                <tr key={key}>
                  <th scope="row">
                    {{ kubeconfig: 'KUBECONFIG', dockerHost: 'DOCKER_HOST', dockerContext: 'DOCKER_CONTEXT' }[key]}
                  </th>
                  <td>
                    {report.environment[key].value ? (
                      <code>{report.environment[key].value}</code>
                    ) : (
                      <span className="muted">not set</span>
                    )}
                    {report.environment[key].source && (
                      <span className="muted"> from {report.environment[key].source}</span>
                    )}
                  </td>
                </tr>
              ))}
              <tr>
                <th scope="row">PATH</th>
                <td>
                  <ul className="path-list" aria-label="PATH folders">
                    {report.environment.path.map((entry) => (
                      <li key={entry.dir} className={entry.addedBy || entry.exists === false ? 'muted' : undefined}>
                        <code>{entry.dir}</code> <span className="muted">{pathNote(entry)}</span>
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}

function ToolRow({ tool }: { tool: ToolStatus }) {
  const context = useAppContext();
  const { busy, progress } = useAppStore(
    useShallow((state) => ({ busy: state.toolsBusy.includes(tool.name), progress: state.downloadProgress[tool.name] })),
  );
  const [choosing, setChoosing] = useState(false);
  const [path, setPath] = useState(tool.source === 'settings' ? (tool.path ?? '') : '');
  const inputId = useId();
  const state = tool.status === 'ok' ? 'live' : tool.status === 'too-old' ? 'connecting' : 'offline';
  return (
    <li className="tool" aria-label={`Tool ${tool.name}`}>
      <div className="tool-main">
        <strong className="tool-name">{tool.name}</strong>
        <StatusPill state={state} label={statusLabel[tool.status]} />
        {tool.version && <span>{tool.version}</span>}
        <span className="spacer" />
        {downloadOffer(tool) === 'button' && (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void downloadTool(context, tool.name)}
          >
            {busy && progress
              ? `Downloading… ${
                  progress.totalBytes
                    ? `${Math.round((100 * progress.receivedBytes) / progress.totalBytes)}%`
                    : `${Math.round(progress.receivedBytes / 1024)} KiB`
                }`
              : `Download ${tool.managed.version}`}
          </button>
        )}
        {downloadOffer(tool) === 'installed-copy' && (
          <span className="muted small">installed copy available ({tool.managed.version})</span>
        )}
        <button type="button" className="button" onClick={() => setChoosing(!choosing)} aria-expanded={choosing}>
          Choose…
        </button>
      </div>
      <div className="tool-detail muted">
        {tool.path ? (
          <>
            <code>{tool.path}</code> · found in {tool.source}
          </>
        ) : (
          'not found'
        )}
        {' · '}minimum {tool.minimum}
      </div>
      {tool.problem && (
        <p className="tool-problem">
          {tool.problem}. <RichText text={tool.fix ?? ''} />
        </p>
      )}
      {choosing && (
        <form
          className="tool-choose"
          onSubmit={(event) => {
            event.preventDefault();
            void chooseToolPath(context, tool.name, path.trim() === '' ? null : path.trim()).then(
              (ok) => ok && setChoosing(false),
            );
          }}
        >
          <label htmlFor={inputId}>Path to {tool.name}</label>
          <input
            id={inputId}
            value={path}
            onChange={(event) => setPath(event.target.value)}
            placeholder={`/usr/local/bin/${tool.name}`}
          />
          <button type="submit" className="button button-primary" disabled={busy}>
            Use this file
          </button>
          <span className="muted small">Empty: find it automatically.</span>
        </form>
      )}
    </li>
  );
}

/** What a PATH folder is: what the user set, or put there by npm, or not on this machine. */
function pathNote(entry: ToolsReport['environment']['path'][number]): string {
  if (entry.addedBy === 'npm') return `${entry.source} · added by npm run, not by you`;
  if (entry.exists === false) return `${entry.source} · not on this machine`;
  return entry.source;
}
