import type { useApiForm } from '../../hooks/use-api-form.ts';
import { emptyProfileValues, type ProfileValues } from '../profile/profile-fields.tsx';

/** The steps of joining, in order. */
export const STEPS = ['information', 'eligibility', 'account', 'profile', 'consent'] as const;
export type Step = (typeof STEPS)[number];

/** A choice per purpose: yes, no, or decide later (which counts as no). */
export type ConsentChoice = 'granted' | 'refused' | 'later';

/** What the person filled in so far, kept in this browser tab while they sign up and sign in. */
export interface JoinDraft {
  step: number;
  values: ProfileValues;
  consents: Record<string, ConsentChoice>;
}

// sessionStorage, not localStorage: the answers are personal and should not outlive the tab.
const STORAGE_KEY = 'topfit.join';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isChoice = (value: unknown): value is ConsentChoice =>
  value === 'granted' || value === 'refused' || value === 'later';

/** The draft of this tab, or a fresh one; anything unreadable is ignored. */
export function loadDraft(locale: string): JoinDraft {
  const fresh: JoinDraft = { step: 0, values: emptyProfileValues(locale), consents: {} };
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
    if (!isRecord(stored)) return fresh;
    const values = { ...fresh.values };
    if (isRecord(stored.values)) {
      for (const key of Object.keys(values) as (keyof ProfileValues)[]) {
        const value = stored.values[key];
        if (typeof value === 'string') values[key] = value;
      }
    }
    const consents: Record<string, ConsentChoice> = {};
    if (isRecord(stored.consents)) {
      for (const [key, value] of Object.entries(stored.consents)) if (isChoice(value)) consents[key] = value;
    }
    const step =
      typeof stored.step === 'number' && stored.step >= 0 && stored.step < STEPS.length ? stored.step : 0;
    return { step, values, consents };
  } catch {
    return fresh;
  }
}

export function saveDraft(draft: JoinDraft): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(draft));
  } catch {
    // Storage can be blocked; the answers then last while the page stays open.
  }
}

/** Whether someone is part-way through joining in this tab (so that signing in can bring them back). */
export function hasDraft(): boolean {
  try {
    return sessionStorage.getItem(STORAGE_KEY) !== null;
  } catch {
    return false;
  }
}

export function clearDraft(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
}

/** The form of the profile answers, shared by the steps. */
export type JoinForm = ReturnType<typeof useApiForm<ProfileValues>>;
