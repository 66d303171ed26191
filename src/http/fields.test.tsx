// Issue 13 part 2: one field family; every control is tied to its label, hint and error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from 'preact-render-to-string';
import { Checkbox, Field, Select, TextArea, TextInput } from './fields.tsx';

test('every control is labelled and described by its hint and error, and marked invalid on error', () => {
  const f = { name: 'card', label: 'Card', hint: 'On the back', error: 'Type the card number' };
  for (const html of [
    render(<TextInput {...f} value="12" />),
    render(<Select {...f} options={[['a', 'A']]} />),
    render(<TextArea {...f} value="12" />),
  ]) {
    assert.match(html, /<label for="card">Card<\/label>/);
    assert.match(html, /<p class="hint" id="card-hint">On the back<\/p>/);
    assert.match(html, /<p class="error" id="card-error"><span class="visually-hidden">Error: <\/span>Type/);
    assert.match(html, /id="card" name="card"/);
    assert.match(html, /aria-invalid="true" aria-describedby="card-hint card-error"/);
    assert.match(html, /^<div class="field has-error">/);
  }
  const plain = render(<TextInput name="card" label="Card" />);
  assert.doesNotMatch(plain, /aria-invalid|aria-describedby|has-error/);
  assert.match(render(<Checkbox name="ok" label="OK" error="Tick it" />), /aria-describedby="ok-error"/);
  assert.match(
    render(
      <Field name="q" id="q2" label="Search" hint="Words">
        <input id="q2" />
      </Field>,
    ),
    /<label for="q2">Search<\/label><p class="hint" id="q2-hint">Words<\/p><input id="q2"\/>/,
  );
});
