'use client';

/** Checkboxes for the kinds of event in a recording (description and count), e.g. the categories or mental actions. */
export function EventChoice({
  legend,
  counts,
  chosen,
  onChange,
}: {
  legend: string;
  counts: readonly (readonly [string, number])[];
  chosen: readonly string[];
  onChange: (chosen: string[]) => void;
}) {
  return (
    <fieldset className="row" style={{ border: 0, padding: 0 }}>
      <legend className="field-label">{legend}</legend>
      {counts.map(([description, n]) => (
        <label key={description} className="row">
          <input
            type="checkbox"
            checked={chosen.includes(description)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, description] : chosen.filter((c) => c !== description))}
          />
          {description} <span className="muted">×{n}</span>
        </label>
      ))}
    </fieldset>
  );
}
