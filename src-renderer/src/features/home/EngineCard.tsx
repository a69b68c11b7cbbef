import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../app-context';
import { refreshEngineCommand } from './engine-commands';
import { CommandButton } from '../../components/CommandButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Fact, Facts } from '../../components/Facts';
import { StatusPill } from '../../components/StatusPill';

/** The Docker engine Kindscope and kind talk to, live. */
export function EngineCard() {
  const { engine, engineError } = useAppStore(
    useShallow((state) => ({ engine: state.engine, engineError: state.engineError })),
  );
  const facts = engine?.engine;
  return (
    <section className="card" aria-labelledby="engine-title">
      <header className="card-header">
        <h2 id="engine-title">Docker engine</h2>
        {engine && <StatusPill state={engine.state} label={engine.state === 'live' ? 'Reachable' : undefined} />}
        <span className="spacer" />
        <CommandButton command={refreshEngineCommand} />
      </header>
      {engineError && <ErrorNotice error={engineError} title="Kindscope cannot select a Docker engine" />}
      {!engine && !engineError && <p className="muted">Looking for the engine…</p>}
      {engine && (
        <>
          {engine.state === 'offline' && engine.problem && (
            <ErrorNotice
              error={{ code: 'DOCKER_UNREACHABLE', ...engine.problem }}
              title="The engine is not reachable"
            />
          )}
          <Facts caption="Docker engine facts">
            {facts && engine.state === 'live' && (
              <>
                <Fact label="Version">{facts.version}</Fact>
                <Fact label="API version">
                  {facts.apiVersion}
                  {facts.minApiVersion ? <span className="muted"> (min {facts.minApiVersion})</span> : null}
                </Fact>
                <Fact label="Runs in">{facts.flavour === 'native' ? 'Native engine' : facts.flavour}</Fact>
                <Fact label="OS / arch">
                  {facts.os}/{facts.arch} · {facts.operatingSystem}
                </Fact>
                <Fact label="Containers">
                  {facts.containers.total} ({facts.containers.running} running, {facts.containers.stopped} stopped
                  {facts.containers.paused ? `, ${facts.containers.paused} paused` : ''})
                </Fact>
              </>
            )}
            <Fact label="Endpoint">
              <code>{engine.endpoint.host}</code>
              <span className="muted">
                {' '}
                from {engine.endpoint.source}
                {engine.endpoint.context ? ` (${engine.endpoint.context})` : ''}
              </span>
            </Fact>
          </Facts>
        </>
      )}
    </section>
  );
}
