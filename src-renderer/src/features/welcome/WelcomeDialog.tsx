import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CliLink, ToolStatus, WelcomeState } from '@contract';
import { useAppContext, useAppStore } from '../../app-context';
import { downloadTool } from '../settings/tools-commands';
import { followTools } from '../settings/tools-loader';
import { RichText } from '../../components/RichText';
import { StatusPill } from '../../components/StatusPill';
import { useAction, useQuery } from '../../data/hooks';
import './welcome.css';

/**
 * The installed app's first run: one screen over Home saying what Kindscope will create
 * and where, the engine and tools it found (missing tools offered for download), and the
 * CLI link. Shown until "Start using Kindscope"; remembered in settings.json.
 */
export function WelcomeDialog() {
  const welcome = useQuery('welcome:state', {});
  const dismiss = useAction('welcome:dismiss');
  const showError = useAppStore((s) => s.showError);
  // When the welcome cannot be read the app simply goes on, with the reason shown.
  useEffect(() => {
    if (welcome.error) showError(welcome.error);
  }, [welcome.error, showError]);
  const state: WelcomeState | undefined = welcome.value;
  if (!state?.show || dismiss.value) return null;
  const close = async () => {
    const result = await dismiss.run({});
    if (!result.ok) showError(result.error);
  };
  return <WelcomeScreen state={state} onClose={() => void close()} />;
}

function WelcomeScreen({ state, onClose }: { state: WelcomeState; onClose: () => void }) {
  const context = useAppContext();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    return followTools(context);
  }, [context]);
  return (
    <div className="welcome-backdrop">
      <section className="card welcome" role="dialog" aria-modal="true" aria-labelledby="welcome-title">
        <h2 id="welcome-title" ref={heading} tabIndex={-1}>
          Welcome to Kindscope
        </h2>
        <p className="muted">Nothing is created until you ask. When you do, this is what Kindscope makes, and where:</p>
        <ul aria-label="What Kindscope creates">
          {state.creates.map((item) => (
            <li key={item.what}>
              {item.what} — <code>{item.where}</code>
            </li>
          ))}
        </ul>
        <EngineFound />
        <ToolsFound />
        <CliLinkSection initial={state.cli} />
        <div className="welcome-actions">
          <button type="button" className="button" onClick={onClose}>
            Start using Kindscope
          </button>
        </div>
      </section>
    </div>
  );
}

function EngineFound() {
  const { engine, engineError } = useAppStore(useShallow((s) => ({ engine: s.engine, engineError: s.engineError })));
  return (
    <section aria-labelledby="welcome-engine">
      <h3 id="welcome-engine">Docker engine</h3>
      {!engine && !engineError && <p className="muted">Looking for the engine…</p>}
      {engineError && (
        <p>
          {engineError.message}. {engineError.hint}
        </p>
      )}
      {engine?.state === 'live' && engine.engine && (
        <p>
          <StatusPill state="live" label="Found" /> Docker {engine.engine.version} (
          {engine.engine.flavour === 'native' ? 'native engine' : engine.engine.flavour}) at{' '}
          <code>{engine.endpoint.host}</code>
        </p>
      )}
      {engine && engine.state !== 'live' && (
        <p>
          <StatusPill state={engine.state} />{' '}
          {engine.problem
            ? `${engine.problem.message}. ${engine.problem.hint}`
            : `Connecting to ${engine.endpoint.host}…`}
        </p>
      )}
    </section>
  );
}

function ToolsFound() {
  const report = useAppStore((s) => s.toolsReport);
  const tools = report?.tools.filter((tool) => tool.status !== 'not-applicable') ?? [];
  return (
    <section aria-labelledby="welcome-tools">
      <h3 id="welcome-tools">Tools</h3>
      {!report && <p className="muted">Looking for kind, helm, kubectl, cilium and docker…</p>}
      {report && (
        <ul aria-label="Tools found">
          {tools.map((tool) => (
            <ToolFound key={tool.name} tool={tool} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ToolFound({ tool }: { tool: ToolStatus }) {
  const context = useAppContext();
  const busy = useAppStore((s) => s.toolsBusy.includes(tool.name));
  const ok = tool.status === 'ok';
  return (
    <li aria-label={`Tool ${tool.name}`}>
      <strong>{tool.name}</strong>: {ok ? `${tool.version ?? 'found'} at ` : (tool.problem ?? tool.status)}
      {ok && tool.path && <code>{tool.path}</code>}
      {!ok && tool.managed.available && (
        <>
          {' '}
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void downloadTool(context, tool.name)}
          >
            {busy ? 'Downloading…' : `Download ${tool.name} ${tool.managed.version ?? ''}`.trim()}
          </button>
        </>
      )}
      {!ok && !tool.managed.available && tool.fix && <span className="muted"> {tool.fix}</span>}
    </li>
  );
}

function CliLinkSection({ initial }: { initial: CliLink }) {
  const link = useAction('cli:link');
  const showError = useAppStore((s) => s.showError);
  const cli = link.value ?? initial;
  return (
    <section aria-labelledby="welcome-cli">
      <h3 id="welcome-cli">The kindscope command line</h3>
      {cli.state === 'unavailable' && (
        <p className="muted">
          <RichText text={cli.problem ?? ''} />
        </p>
      )}
      {cli.state !== 'unavailable' && (
        <>
          <p>
            {cli.state === 'linked' ? 'Linked: ' : 'To use it in a terminal, Kindscope can run: '}
            <code>{cli.command}</code>
          </p>
          {cli.state === 'not-linked' && (
            <button
              type="button"
              className="button"
              onClick={() => void link.run({}).then((result) => !result.ok && showError(result.error))}
            >
              Link the CLI
            </button>
          )}
          {cli.state === 'occupied' && (
            <p role="alert">
              <RichText text={cli.problem ?? ''} />
            </p>
          )}
          {!cli.onPath && (
            <p className="muted">
              <code>~/.local/bin</code> is not on your PATH: add <code>export PATH="$HOME/.local/bin:$PATH"</code> to
              your shell profile.
            </p>
          )}
        </>
      )}
    </section>
  );
}
