/**
 * Form pieces that keep labels, hints and errors tied together for
 * assistive technology: every input has a <label>, its hint and error are
 * referenced by aria-describedby, an invalid input says aria-invalid, and a
 * failed submit shows an alert and moves focus to the first invalid field.
 */
import { useId, type InputHTMLAttributes, type ReactNode, type Ref } from 'react';
import type { ApiError } from '../api/client.ts';
import { useLang } from '../i18n/index.ts';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'onChange' | 'value'> & {
  label: string;
  name: string;
  value: string;
  onChange(value: string): void;
  hint?: ReactNode;
  error?: string;
};

/**
 * A field's frame: its label, an optional hint, the control, and its error,
 * tied together for screen readers by `aria-describedby` (see `describedBy`).
 */
function FieldFrame({ id, label, hint, error, className, children }: { id: string; label: string; hint?: ReactNode; error?: string; className?: string; children: ReactNode }) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <div id={`${id}-hint`} className="hint">
          {hint}
        </div>
      )}
      {children}
      {error && (
        <p id={`${id}-error`} className="error-text">
          {error}
        </p>
      )}
    </div>
  );
}

/** The ids a control's hint and error have in its FieldFrame. */
const describedBy = (id: string, hint?: ReactNode, error?: string) => [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

export function TextField({ label, name, value, onChange, hint, error, className, ...rest }: InputProps) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} className={className}>
      <input
        id={id}
        name={name}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...rest}
      />
    </FieldFrame>
  );
}

export function CheckboxField({
  label,
  name,
  checked,
  onChange,
  error,
}: {
  label: ReactNode;
  name: string;
  checked: boolean;
  onChange(checked: boolean): void;
  error?: string;
}) {
  const id = useId();
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={`field field-check${error ? ' field-invalid' : ''}`}>
      <input
        type="checkbox"
        id={id}
        name={name}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        aria-invalid={error ? true : undefined}
        aria-describedby={errorId}
      />
      <label htmlFor={id}>{label}</label>
      {error && (
        <p id={errorId} className="error-text">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * A new password with the policy as its hint, and its repetition (`password2`).
 * Validate both with `newPasswordProblems` from lib/password.ts.
 */
export function NewPasswordFields({
  label,
  name,
  value,
  repeat,
  onChange,
  onRepeatChange,
  error,
  repeatError,
}: {
  label: string;
  name: string;
  value: string;
  repeat: string;
  onChange(value: string): void;
  onRepeatChange(value: string): void;
  error?: string;
  repeatError?: string;
}) {
  const { t } = useLang();
  return (
    <>
      <TextField label={label} name={name} type="password" autoComplete="new-password" value={value} onChange={onChange} hint={t('password.policy')} error={error} required />
      <TextField
        label={t('fields.passwordRepeat')}
        name="password2"
        type="password"
        autoComplete="new-password"
        value={repeat}
        onChange={onRepeatChange}
        error={repeatError}
        required
      />
    </>
  );
}

/** The six-digit code of an authenticator app (spaces allowed; check it with `totpCode`). */
export function TotpCodeField({ value, onChange, error }: { value: string; onChange(value: string): void; error?: string }) {
  const { t } = useLang();
  return (
    <TextField
      label={t('fields.totpCode')}
      name="code"
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={7}
      value={value}
      onChange={onChange}
      error={error}
      required
    />
  );
}

/** The message of a failed request (or a summary of client-side problems), announced at once. */
/** A labelled select with an optional hint and its error (described for screen readers). */
export function SelectField({
  label,
  name,
  value,
  onChange,
  options,
  hint,
  error,
}: {
  label: string;
  name: string;
  value: string;
  onChange(v: string): void;
  options: Array<{ value: string; label: string }>;
  hint?: ReactNode;
  error?: string;
}) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <select id={id} name={name} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/** A labelled textarea with an optional hint and its error. */
export function TextAreaField({
  label,
  name,
  value,
  onChange,
  hint,
  error,
  rows = 6,
  inputRef,
  required,
}: {
  label: string;
  name: string;
  value: string;
  onChange(v: string): void;
  hint?: ReactNode;
  error?: string;
  rows?: number;
  inputRef?: Ref<HTMLTextAreaElement>;
  required?: boolean;
}) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <textarea
        id={id}
        ref={inputRef}
        name={name}
        rows={rows}
        value={value}
        required={required}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
      />
    </FieldFrame>
  );
}

export function FormAlert({ error, children }: { error?: ApiError | null; children?: ReactNode }) {
  const { lang } = useLang();
  if (!error && !children) return null;
  return (
    <div className="alert alert-error" role="alert">
      {error ? error.text(lang) : children}
    </div>
  );
}

export function Notice({ children, kind = 'info' }: { children: ReactNode; kind?: 'info' | 'success' | 'warning' }) {
  return (
    <div className={`alert alert-${kind}`} role="status">
      {children}
    </div>
  );
}

/** Moves focus to the first invalid input of a form after React has rendered the errors. */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"], .field-invalid input')?.focus());
}

export type Errors<K extends string> = Partial<Record<K, string>>;

/**
 * Which field of a form a server error is about: the validator's `details.field`
 * when given, else a field named in the error code (`password.too_short` →
 * `password`). Errors about no field are shown above the form.
 */
export function fieldOfError<K extends string>(err: ApiError, fields: Record<K, RegExp>): K | undefined {
  const f = err.field;
  if (f && f in fields) return f as K;
  for (const [k, re] of Object.entries(fields) as [K, RegExp][]) if (re.test(err.code)) return k;
  return undefined;
}
