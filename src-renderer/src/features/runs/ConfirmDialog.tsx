import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal confirmation on the native <dialog>: the browser traps focus, Escape cancels and
 * the dialog is announced with its title. Nothing destructive runs without `onConfirm`.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  keepLabel = 'Keep it',
  danger = false,
  busy = false,
  disabled = false,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** The safe answer, focused first (Escape means the same). */
  keepLabel?: string;
  danger?: boolean;
  busy?: boolean;
  /** The confirm button is off (e.g. an item not yet confirmed); the safe answer stays on. */
  disabled?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby="confirm-dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id="confirm-dialog-title">{title}</h2>
      <div className="confirm-body">{children}</div>
      <div className="confirm-actions">
        <button type="button" className="button" onClick={onCancel} autoFocus>
          {keepLabel}
        </button>
        <button
          type="button"
          className={`button ${danger ? 'button-danger' : 'button-primary'}`}
          disabled={busy || disabled}
          onClick={onConfirm}
        >
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
