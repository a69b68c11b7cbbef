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

function usePlanForm(): PlanForm {
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
