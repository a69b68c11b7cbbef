import type { AppError } from '@contract';
import { RichText } from './RichText';

/** An error as the user needs it: what happened, then what to do. */
export function ErrorNotice({ error, onDismiss, title }: { error: AppError; title?: string; onDismiss?: () => void }) {
  return (
    <div role="alert" className="notice notice-error">
      <div className="notice-body">
        {title && <strong className="notice-title">{title}</strong>}
        <p className="notice-message">
          <RichText text={error.message} />
        </p>
        <p className="notice-hint">
          <span className="notice-hint-label">What to do: </span>
          <RichText text={error.hint} />
        </p>
      </div>
      {onDismiss && (
        <button type="button" className="button button-ghost" onClick={onDismiss} aria-label="Dismiss error">
          ×
        </button>
      )}
    </div>
  );
}
