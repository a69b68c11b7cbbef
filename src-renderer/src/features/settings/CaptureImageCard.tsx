import { useEffect, useId, useState } from 'react';
import { useAction, useQuery } from '../../data/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { RichText } from '../../components/RichText';

const sourceWords = {
  environment: 'from KINDSCOPE_CAPTURE_IMAGE in the environment (it wins over this setting)',
  settings: 'chosen here',
  default: 'the default',
} as const;

/**
 * Settings → Capture image: the image Capture ARP, the failover drill and the proof's fresh ARP
 * request run from (it needs tcpdump and arping). Kept in settings.json; KINDSCOPE_CAPTURE_IMAGE,
 * when set for the process, still wins, and the card says so.
 */
export function CaptureImageCard() {
  const info = useQuery('capture:image', {});
  const save = useAction('capture:set-image');
  const [draft, setDraft] = useState('');
  const inputId = useId();
  const current = save.value ?? info.value;
  useEffect(() => setDraft(current?.settingsImage ?? ''), [current?.settingsImage]);
  const submit = (image: string | null) => void save.run({ image }).then((result) => result.ok && void info.reload());
  return (
    <section className="card" aria-labelledby="capture-image-title">
      <h2 id="capture-image-title">Capture image</h2>
      <p className="muted small">
        Capture ARP and the failover drill run <code>tcpdump</code> and <code>arping</code> in a helper container from
        this image. On an engine that cannot pull (offline), choose an image that is already there, or load one with{' '}
        <code>docker save</code> / <code>docker load</code>.
      </p>
      {current && (
        <p aria-label="Capture image in use">
          In use: <code>{current.image}</code> <span className="muted">({sourceWords[current.source]})</span>
          {current.present === false && (
            <span className="cell-warn">
              {' '}
              — not on this engine: Kindscope asks before pulling it (
              <RichText text={`\`docker pull ${current.image}\``} />)
            </span>
          )}
          {current.present === true && <span className="cell-ok"> — on this engine</span>}
        </p>
      )}
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          submit(draft.trim() === '' ? null : draft.trim());
        }}
      >
        <label htmlFor={inputId}>Image</label>
        <input
          id={inputId}
          type="text"
          spellCheck={false}
          placeholder={current?.defaultImage ?? 'docker.io/nicolaka/netshoot:v0.13'}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit" className="button button-primary" disabled={save.busy}>
          Save
        </button>
        {current?.settingsImage && (
          <button type="button" className="button" disabled={save.busy} onClick={() => submit(null)}>
            Use the default
          </button>
        )}
      </form>
      {save.error && <ErrorNotice error={save.error} title="The capture image was not saved" />}
    </section>
  );
}
