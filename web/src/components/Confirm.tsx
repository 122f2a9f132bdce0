/**
 * A modal confirmation on the native <dialog>: focus is trapped and Escape cancels, with no
 * window.confirm (which would block the page and cannot say much).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

interface Props {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  /** Resolves when done; an error keeps the dialog open and is shown in it. */
  onConfirm: () => Promise<void> | void;
  onClose: () => void;
  danger?: boolean;
}

export function Confirm({ title, children, confirmLabel, onConfirm, onClose, danger }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} class="confirm" aria-labelledby="confirm-title" onClose={onClose}>
      <h2 id="confirm-title">{title}</h2>
      <div class="confirm-body">{children}</div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="button" onClick={onClose} autofocus>
          Keep it
        </button>
        <button type="button" class={danger ? 'danger' : 'primary'} disabled={busy} onClick={confirm}>
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
