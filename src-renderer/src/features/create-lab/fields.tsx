import { createContext, useContext, useId, type ReactNode } from 'react';
import type { LabFinding } from '@contract';
import { RichText } from '../../components/RichText';
import { findingsFor, getAt, type PlanDraft } from './plan-draft';

interface PlanForm {
  draft: PlanDraft;
  findings: readonly LabFinding[];
  update(path: string, value: unknown): void;
}

export const PlanFormContext = createContext<PlanForm | undefined>(undefined);

export function usePlanForm(): PlanForm {
  const form = useContext(PlanFormContext);
  if (!form) throw new Error('Plan fields must render inside <PlanFormContext.Provider>.');
  return form;
}

/** The plan's messages for one field, next to it (announced politely as they change). */
export function FieldFindings({ findings, id }: { findings: readonly LabFinding[]; id: string }) {
  return (
    <div id={id} className="field-findings" aria-live="polite">
      {findings.map((finding) => (
        <p key={`${finding.code}-${finding.message}`} className={`field-finding field-finding-${finding.severity}`}>
          <span className="field-finding-message">
            <RichText text={finding.message} />
          </span>{' '}
          <span className="field-finding-fix">
            <RichText text={finding.fix} />
          </span>
        </p>
      ))}
    </div>
  );
}

interface FieldShell {
  label: string;
  /** One line on what this choice does and why the default is what it is. */
  help: ReactNode;
  path: string;
}

function Shell({
  label,
  help,
  path,
  children,
}: FieldShell & { children: (ids: { input: string; described: string; invalid: boolean }) => ReactNode }) {
  const { findings } = usePlanForm();
  const id = useId();
  const mine = findingsFor(findings, path);
  const described = `${id}-help ${id}-findings`;
  return (
    <div className={`wizard-field${mine.some((f) => f.severity === 'error') ? ' wizard-field-invalid' : ''}`}>
      <label htmlFor={`${id}-input`} className="wizard-label">
        {label}
      </label>
      {children({ input: `${id}-input`, described, invalid: mine.some((f) => f.severity === 'error') })}
      <p id={`${id}-help`} className="wizard-help">
        {help}
      </p>
      <FieldFindings findings={mine} id={`${id}-findings`} />
    </div>
  );
}

export function TextField(props: FieldShell & { placeholder?: string; list?: boolean }) {
  const { draft, update } = usePlanForm();
  const value = getAt(draft, props.path);
  const shown =
    props.list && Array.isArray(value)
      ? value.join(', ')
      : typeof value === 'string'
        ? value
        : value === undefined
          ? ''
          : String(value);
  return (
    <Shell {...props}>
      {({ input, described, invalid }) => (
        <input
          id={input}
          className="wizard-input"
          type="text"
          spellCheck={false}
          autoComplete="off"
          value={shown}
          placeholder={props.placeholder}
          aria-describedby={described}
          aria-invalid={invalid}
          onChange={(event) => {
            const text = event.target.value;
            if (props.list)
              update(
                props.path,
                text
                  .split(',')
                  .map((part) => part.trim())
                  .filter(Boolean),
              );
            else update(props.path, text === '' && props.placeholder ? undefined : text);
          }}
        />
      )}
    </Shell>
  );
}

export function NumberField(props: FieldShell & { min?: number; max?: number }) {
  const { draft, update } = usePlanForm();
  const value = getAt(draft, props.path);
  return (
    <Shell {...props}>
      {({ input, described, invalid }) => (
        <input
          id={input}
          className="wizard-input wizard-input-number"
          type="number"
          min={props.min}
          max={props.max}
          value={typeof value === 'number' || typeof value === 'string' ? value : ''}
          aria-describedby={described}
          aria-invalid={invalid}
          // An empty or half-typed number stays as typed: the schema names the field.
          onChange={(event) =>
            update(
              props.path,
              event.target.value === '' || Number.isNaN(event.target.valueAsNumber)
                ? event.target.value
                : event.target.valueAsNumber,
            )
          }
        />
      )}
    </Shell>
  );
}

export function SelectField(props: FieldShell & { options: { value: string; label: string }[] }) {
  const { draft, update } = usePlanForm();
  const value = getAt(draft, props.path);
  return (
    <Shell {...props}>
      {({ input, described, invalid }) => (
        <select
          id={input}
          className="wizard-input"
          value={String(value ?? '')}
          aria-describedby={described}
          aria-invalid={invalid}
          onChange={(event) => update(props.path, event.target.value)}
        >
          {props.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Shell>
  );
}

export function CheckField(props: FieldShell) {
  const { draft, update, findings } = usePlanForm();
  const id = useId();
  const mine = findingsFor(findings, props.path);
  return (
    <div className="wizard-field wizard-field-check">
      <input
        id={id}
        type="checkbox"
        checked={getAt(draft, props.path) === true}
        aria-describedby={`${id}-help ${id}-findings`}
        onChange={(event) => update(props.path, event.target.checked)}
      />
      <div>
        <label htmlFor={id} className="wizard-label">
          {props.label}
        </label>
        <p id={`${id}-help`} className="wizard-help">
          {props.help}
        </p>
        <FieldFindings findings={mine} id={`${id}-findings`} />
      </div>
    </div>
  );
}

/** A fixed fact of the plan (the schema allows one value): shown with why, not editable. */
export function FixedField({ label, value, help }: { label: string; value: string; help: ReactNode }) {
  return (
    <div className="wizard-field wizard-field-fixed">
      <span className="wizard-label">{label}</span>
      <code className="wizard-fixed-value">{value}</code>
      <p className="wizard-help">{help}</p>
    </div>
  );
}

/** The reason the wizard records when the untested pairing is acknowledged without one typed. */
export const wizardUntestedReason = 'acknowledged in the create-lab wizard';

/**
 * The wizard's `--allow-untested` (issue 26): when the node image's Kubernetes is not one the
 * chosen Cilium lists as e2e tested, the plan refuses it until acknowledged. Cilium's own word
 * for such a pairing is that it "will depend on the forward / backward compatibility offered by
 * Kubernetes" — untested, not unsupported — so it is a checkbox with that reason beside it, and
 * a reason of the user's own, kept in the plan (`cilium.allowUntested`, `cilium.untestedReason`)
 * and so marked at the top of lab.yaml and in the run, as the CLI's flag does.
 */
export function UntestedPairingField() {
  const { draft, update, findings } = usePlanForm();
  const id = useId();
  const refused = findings.find((f) => f.code === 'cilium-not-tested');
  const acknowledged = findings.find((f) => f.code === 'cilium-untested-acknowledged');
  const checked = getAt(draft, 'cilium.allowUntested') === true;
  if (!refused && !acknowledged && !checked) return null;
  const reason = getAt(draft, 'cilium.untestedReason');
  return (
    <fieldset className="wizard-fieldset" aria-label="Untested pairing">
      <legend>Untested pairing</legend>
      <p id={`${id}-why`} className="wizard-help">
        <RichText text={(refused ?? acknowledged)?.message ?? 'This pairing is listed as tested.'} />
      </p>
      <div className="wizard-field wizard-field-check">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          aria-describedby={`${id}-why`}
          onChange={(event) => {
            update('cilium.allowUntested', event.target.checked);
            if (event.target.checked && typeof reason !== 'string')
              update('cilium.untestedReason', wizardUntestedReason);
            if (!event.target.checked) update('cilium.untestedReason', undefined);
          }}
        />
        <div>
          <label htmlFor={id} className="wizard-label">
            Use this untested pairing
          </label>
          <p className="wizard-help">
            The same as <code>--allow-untested</code>: marked in lab.yaml and in the run.
          </p>
        </div>
      </div>
      {checked && (
        <div className="wizard-field">
          <label htmlFor={`${id}-reason`} className="wizard-label">
            Why
          </label>
          <input
            id={`${id}-reason`}
            className="wizard-input"
            type="text"
            value={typeof reason === 'string' ? reason : ''}
            onChange={(event) => update('cilium.untestedReason', event.target.value || wizardUntestedReason)}
          />
          <p className="wizard-help">Kept with the plan and the run, so whoever reads them later knows.</p>
        </div>
      )}
    </fieldset>
  );
}
