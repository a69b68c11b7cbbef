import { useState } from 'react';
import { copyText, saveText } from '../../components/clipboard';

/** A generated file, read-only, with Copy and (optionally) Save. */
export function CodeView({
  title,
  text,
  fileName,
  save = false,
}: {
  title: string;
  text: string;
  fileName: string;
  save?: boolean;
}) {
  const [copied, setCopied] = useState<'copied' | 'failed' | undefined>();
  return (
    <section className="code-view" aria-label={title}>
      <header className="code-view-header">
        <code className="code-view-name">{fileName}</code>
        <span className="spacer" />
        <span className="muted small" role="status">
          {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Copy was refused: select the text and copy it' : ''}
        </span>
        <button
          type="button"
          className="button button-small"
          aria-label={`Copy ${title}`}
          onClick={() => void copyText(text).then((ok) => setCopied(ok ? 'copied' : 'failed'))}
        >
          Copy
        </button>
        {save && (
          <button
            type="button"
            className="button button-small"
            aria-label={`Save ${fileName}`}
            onClick={() => saveText(fileName, text)}
          >
            Save…
          </button>
        )}
      </header>
      <pre className="code-view-body" tabIndex={0} aria-label={`${title} (read-only)`}>
        <code>{text}</code>
      </pre>
    </section>
  );
}
