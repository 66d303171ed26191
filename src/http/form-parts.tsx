// Small form pieces the patron pages share with the staff patron pages: a labelled select, a
// check box and a date formatter. Accessible without JavaScript; errors are tied to their field.
import type { ComponentChildren } from 'preact';

interface SelectProps {
  name: string;
  label: string;
  options: ReadonlyArray<readonly [value: string, label: string]>;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string;
  /** Text of an empty first choice; without it a choice is required. */
  empty?: string;
  required?: boolean;
}

export function Select({ name, label, options, value, error, hint, empty, required }: SelectProps) {
  const describedBy =
    [hint && `${name}-hint`, error && `${name}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={name}>{label}</label>
      {hint && (
        <p class="hint" id={`${name}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="error" id={`${name}-error`}>
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      )}
      <select
        id={name}
        name={name}
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
      >
        {empty !== undefined && (
          <option value="" selected={!value}>
            {empty}
          </option>
        )}
        {options.map(([v, l]) => (
          <option key={v} value={v} selected={v === value}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Checkbox({
  name,
  label,
  checked,
  error,
  children,
}: {
  name: string;
  label: string;
  checked?: boolean;
  error?: string | undefined;
  children?: ComponentChildren;
}) {
  return (
    <div class={error ? 'field has-error' : 'field'}>
      {error && (
        <p class="error" id={`${name}-error`}>
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      )}
      <label>
        <input
          type="checkbox"
          id={name}
          name={name}
          value="on"
          checked={checked}
          aria-describedby={error ? `${name}-error` : undefined}
        />{' '}
        {label}
      </label>
      {children}
    </div>
  );
}

/** A date (no time) in the library's time zone. */
export function formatDate(isoText: string | null | undefined, timeZone: string): string {
  if (!isoText) return '—';
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone }).format(new Date(isoText));
}
