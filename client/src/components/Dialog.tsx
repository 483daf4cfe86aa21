/**
 * A modal dialog on the native <dialog> element: focus moves into it, Escape closes it, and
 * screen readers announce it by its title (tests select it with getByRole('dialog', { name })).
 */
import { useEffect, useRef, type ReactNode } from 'react';

export function Dialog({ title, onClose, children, wide }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-label={title}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className={`m-auto max-h-[90vh] w-full ${wide ? 'max-w-3xl' : 'max-w-lg'} overflow-auto rounded-xl p-0 shadow-2xl backdrop:bg-slate-900/50`}
    >
      <div className="p-5">
        <h2 className="mb-3 text-xl font-bold">{title}</h2>
        {children}
      </div>
    </dialog>
  );
}
