import { Button, Paper, Slider, Stack, Switch, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatsFor } from '../questionnaires/questionnaire-model.ts';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import { bmiOf, type FindriscChange, type FindriscScore, findriscWhatIf } from './risk-model.ts';

interface SliderFieldProps {
  label: string;
  valueText: string;
  value: number;
  min: number;
  max: number;
  unit: string;
  onChange: (value: number) => void;
  testId: string;
}

/** A slider with its name and current value as text above it. */
function SliderField({ label, valueText, value, min, max, unit, onChange, testId }: SliderFieldProps) {
  return (
    <Stack gap={6}>
      <Text fw={600}>
        {label}: <span data-testid={`${testId}-value`}>{valueText}</span>
      </Text>
      <Slider
        min={min}
        max={max}
        step={1}
        value={value}
        onChange={onChange}
        thumbLabel={label}
        thumbValueText={(current) => `${current} ${unit}`}
        label={(current) => `${current} ${unit}`}
        size="lg"
        mb="xs"
      />
    </Stack>
  );
}

/**
 * What if: change the answers one can change (weight, waist, daily activity, daily vegetables) and see the
 * score, category and risk move — computed in the browser with the same science code as the server.
 */
export function WhatIfPanel({ findrisc }: { findrisc: FindriscScore }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const formats = formatsFor(locale);
  const { input, heightCm, weightKg } = findrisc;
  const [weight, setWeight] = useState(weightKg ?? 0);
  const [waist, setWaist] = useState(input.waistCm);
  const [activity, setActivity] = useState(input.dailyActivity);
  const [vegetables, setVegetables] = useState(input.dailyVegetables);

  const canWeigh = heightCm !== null && weightKg !== null;
  const change: FindriscChange = { waistCm: waist, dailyActivity: activity, dailyVegetables: vegetables };
  if (canWeigh && weight !== weightKg) change.bmi = bmiOf(weight, heightCm);
  const { before, after } = findriscWhatIf(input, change);
  const difference = after.score - before.score;
  const bmi = change.bmi ?? input.bmi;

  const reset = () => {
    setWeight(weightKg ?? 0);
    setWaist(input.waistCm);
    setActivity(input.dailyActivity);
    setVegetables(input.dailyVegetables);
  };

  let differenceText: string;
  if (difference < 0) differenceText = t('risk.whatIf.lower', { count: -difference });
  else if (difference > 0) differenceText = t('risk.whatIf.higher', { count: difference });
  else differenceText = t('risk.whatIf.same');

  return (
    <Stack gap="lg" className="what-if" data-testid="what-if">
      <Text>{t('risk.whatIf.intro')}</Text>
      {canWeigh && (
        <SliderField
          label={t('risk.whatIf.weight')}
          valueText={t('risk.whatIf.weightValue', {
            weight: formats.number(weight),
            bmi: formats.number(Math.round(bmi * 10) / 10),
          })}
          value={weight}
          min={Math.max(30, Math.floor(weightKg * 0.7))}
          max={Math.ceil(weightKg * 1.1)}
          unit="kg"
          onChange={setWeight}
          testId="what-if-weight"
        />
      )}
      <SliderField
        label={t('risk.whatIf.waist')}
        valueText={`${formats.number(waist)} cm`}
        value={waist}
        min={Math.max(40, Math.floor(input.waistCm - 30))}
        max={Math.ceil(input.waistCm + 10)}
        unit="cm"
        onChange={setWaist}
        testId="what-if-waist"
      />
      <Switch
        label={t('risk.whatIf.activity')}
        checked={activity}
        onChange={(event) => setActivity(event.currentTarget.checked)}
        size="md"
        data-testid="what-if-activity"
      />
      <Switch
        label={t('risk.whatIf.vegetables')}
        checked={vegetables}
        onChange={(event) => setVegetables(event.currentTarget.checked)}
        size="md"
        data-testid="what-if-vegetables"
      />
      <Paper withBorder p="md" bg="gray.0" role="status" data-testid="what-if-result">
        <Stack gap={4}>
          <Text fw={700} size="lg" data-testid="what-if-score">
            {t('risk.whatIf.score', { score: after.score })}
          </Text>
          <Text data-testid="what-if-difference">{differenceText}</Text>
          <Text>{t('risk.whatIf.category', { category: t(`risk.categoryWord.${after.category}`) })}</Text>
          <Text>{t('risk.whatIf.risk', { count: after.tenYearRiskPercent })}</Text>
        </Stack>
      </Paper>
      <div>
        <Button variant="default" onClick={reset} data-testid="what-if-reset">
          {t('risk.whatIf.reset')}
        </Button>
      </div>
    </Stack>
  );
}
