import {
  type CSSVariablesResolver,
  createTheme,
  NativeSelect,
  NumberInput,
  PasswordInput,
  Textarea,
  TextInput,
} from '@mantine/core';

/**
 * No asterisks: every field is required unless its label says "(optional)". This also keeps the
 * accessible names exactly the visible label text ("Wachtwoord", not "Wachtwoord *").
 */
const noAsterisk = { defaultProps: { withAsterisk: false } };

/** Mantine's default look, with shades dark enough for WCAG AA contrast on white. */
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'md',
  focusRing: 'auto',
  components: {
    TextInput: TextInput.extend(noAsterisk),
    PasswordInput: PasswordInput.extend(noAsterisk),
    NativeSelect: NativeSelect.extend(noAsterisk),
    NumberInput: NumberInput.extend(noAsterisk),
    Textarea: Textarea.extend(noAsterisk),
  },
});

/** Dimmed text, error text and placeholders darkened to reach at least 4.5:1 on white. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-7)',
    '--mantine-color-anchor': 'var(--mantine-color-blue-9)',
    // Text on light teal (success alerts, badges): teal-9 is just below 4.5:1 there.
    '--mantine-color-teal-light-color': '#066b4d',
  },
  dark: {},
});
