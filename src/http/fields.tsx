// The one family of form fields: `Field` draws the label, the hint and the error and ties them to
// the control (label `for`, `aria-describedby`, `aria-invalid`); TextInput, Select, TextArea and
// Checkbox are the controls every form uses. Accessible without JavaScript.
import type { ComponentChildren } from 'preact';

/** What every field shows around its control. */
export interface FieldText {
  name: string;
  label: string;
  /** The control's id, when it must differ from its name (e.g. two search boxes on one page). */
  id?: string;
  /** Help shown above the control; text, or text with a link. */
  hint?: ComponentChildren;
  error?: string | undefined;
}

/** The ids of the hint and the error a control is described by, or undefined. */
export const describedBy = (id: string, hint?: ComponentChildren, error?: string): string | undefined =>
  [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;

/** The attributes that tie a control to its field: id, name, invalid state and description. */
export function controlAttributes(f: FieldText) {
  const id = f.id ?? f.name;
  return {
    id,
    name: f.name,
    invalid: f.error ? ('true' as const) : undefined,
    describedBy: describedBy(id, f.hint, f.error),
  };
}

export function FieldHint({ id, hint }: { id: string; hint?: ComponentChildren }) {
  return hint ? (
    <p class="hint" id={`${id}-hint`}>
      {hint}
    </p>
  ) : null;
}

export function FieldError({ id, error }: { id: string; error?: string | undefined }) {
  return error ? (
    <p class="error" id={`${id}-error`}>
      <span class="visually-hidden">Error: </span>
      {error}
    </p>
  ) : null;
}

/** The wrapper: label, hint and error, then the control given as children. */
export function Field(p: FieldText & { children: ComponentChildren; class?: string }) {
  const id = p.id ?? p.name;
  const base = p.class ? `field ${p.class}` : 'field';
  return (
    <div class={p.error ? `${base} has-error` : base}>
      <label for={id}>{p.label}</label>
      <FieldHint id={id} hint={p.hint} />
      <FieldError id={id} error={p.error} />
      {p.children}
    </div>
  );
}

interface TextInputProps extends FieldText {
  value?: string;
  type?: 'text' | 'password' | 'email' | 'tel' | 'number';
  autocomplete?: string;
  required?: boolean;
}

/** A labelled one-line text input. */
export function TextInput(p: TextInputProps) {
  const a = controlAttributes(p);
  return (
    <Field {...p}>
      <input
        id={a.id}
        name={a.name}
        type={(p.type ?? 'text') as 'text'} // preact narrows by type; every allowed kind is a text-like input
        value={p.value}
        autocomplete={p.autocomplete}
        required={p.required}
        aria-invalid={a.invalid}
        aria-describedby={a.describedBy}
      />
    </Field>
  );
}

interface SelectProps extends FieldText {
  options: ReadonlyArray<readonly [value: string, label: string]>;
  value?: string | undefined;
  /** Text of an empty first choice; without it a choice is required. */
  empty?: string;
  required?: boolean;
}

/** A labelled drop-down list. */
export function Select(p: SelectProps) {
  const a = controlAttributes(p);
  return (
    <Field {...p}>
      <select
        id={a.id}
        name={a.name}
        required={p.required}
        aria-invalid={a.invalid}
        aria-describedby={a.describedBy}
      >
        {p.empty !== undefined && (
          <option value="" selected={!p.value}>
            {p.empty}
          </option>
        )}
        {p.options.map(([v, l]) => (
          <option key={v} value={v} selected={v === p.value}>
            {l}
          </option>
        ))}
      </select>
    </Field>
  );
}

interface TextAreaProps extends FieldText {
  value?: string | undefined;
  rows?: number;
  required?: boolean;
  maxLength?: number;
}

/** A labelled multi-line text field. */
export function TextArea(p: TextAreaProps) {
  const a = controlAttributes(p);
  return (
    <Field {...p}>
      <textarea
        id={a.id}
        name={a.name}
        rows={p.rows ?? 8}
        required={p.required}
        maxLength={p.maxLength}
        aria-invalid={a.invalid}
        aria-describedby={a.describedBy}
      >
        {p.value ?? ''}
      </textarea>
    </Field>
  );
}

/** A check box; its label wraps it, and an error above it is tied to it. */
export function Checkbox(p: {
  name: string;
  label: string;
  checked?: boolean;
  error?: string | undefined;
  children?: ComponentChildren;
}) {
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <FieldError id={p.name} error={p.error} />
      <label>
        <input
          type="checkbox"
          id={p.name}
          name={p.name}
          value="on"
          checked={p.checked}
          aria-describedby={p.error ? `${p.name}-error` : undefined}
        />{' '}
        {p.label}
      </label>
      {p.children}
    </div>
  );
}
