import { useAppContext, useAppStore } from '../app-context';
import type { Command } from '../commands/command';

/** A button bound to a command: label, enabled state and action come from the command. */
export function CommandButton({
  command,
  variant = 'secondary',
}: {
  command: Command;
  variant?: 'primary' | 'secondary';
}) {
  const context = useAppContext();
  const enabled = useAppStore((state) => command.isEnabled(state));
  return (
    <button
      type="button"
      className={`button button-${variant}`}
      disabled={!enabled}
      onClick={() => void command.run(context)}
    >
      {command.label}
    </button>
  );
}
