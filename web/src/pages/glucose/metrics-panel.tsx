import { Group, Paper, Stack, Tabs, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { GlucoseReport } from '../../api-types.ts';
import { type GlucoseFormat, useStoredChoice } from './glucose-format.ts';

const VIEWS = ['prevention', 'diabetes'] as const;

/**
 * People without diabetes (Shah VN, et al. Continuous glucose monitoring profiles in healthy nondiabetic
 * participants: a multicenter prospective study. J Clin Endocrinol Metab 2019;104:4356–4364): median 96 % of
 * the time in 70–140 mg/dL, CV 17 ± 3 %, mean glucose about 99 mg/dL. For comparison, not targets.
 */
const HEALTHY = { tightPercent: 96, cvPercent: 17, meanMgdl: 99 } as const;

/**
 * Consensus targets for people with type 1 or type 2 diabetes (Battelino T, et al. Diabetes Care
 * 2019;42:1593–1603): more than 70 % in range, below 70 less than 4 %, below 54 less than 1 %, above 180 less
 * than 25 %, above 250 less than 5 %; CV 36 % or lower.
 */
const TARGETS = {
  inRange: { above: 70 },
  below70: { below: 4 },
  below54: { below: 1 },
  above180: { below: 25 },
  above250: { below: 5 },
} as const;
const CV_TARGET = 36;

interface Row {
  key: string;
  name: string;
  value: string;
  explanation: string;
  /** What it is compared with: a consensus target, or what is usual without diabetes. */
  reference?: string;
  /** Whether a consensus target is met; absent when the row has no target. */
  met?: boolean;
}

/** A tick or a cross beside the words, so the outcome never rests on colour. */
function Outcome({ met }: { met: boolean }) {
  const { t } = useTranslation();
  const colour = met ? '#066b4d' : '#a33a00';
  return (
    <Group gap={6} wrap="nowrap" c={colour} data-testid="metric-outcome">
      <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
        {met ? (
          <path d="M2 8.5 6 12.5 14 3.5" fill="none" stroke={colour} strokeWidth="2.5" />
        ) : (
          <path d="M3 3 13 13M13 3 3 13" fill="none" stroke={colour} strokeWidth="2.5" />
        )}
      </svg>
      <Text size="sm" fw={700} c={colour}>
        {met ? t('glucose.metrics.met') : t('glucose.metrics.notMet')}
      </Text>
    </Group>
  );
}

function Rows({ rows }: { rows: Row[] }) {
  return (
    <Stack component="ul" gap="sm" className="plain-list">
      {rows.map((row) => (
        <Paper key={row.key} component="li" withBorder p="md" data-testid={`metric-${row.key}`}>
          <Stack gap={4}>
            <Group justify="space-between" gap="xs" align="baseline">
              <Text fw={700}>{row.name}</Text>
              <Text fw={800} fz="xl" data-testid={`metric-${row.key}-value`}>
                {row.value}
              </Text>
            </Group>
            <Text>{row.explanation}</Text>
            {row.reference && <Text size="sm">{row.reference}</Text>}
            {row.met !== undefined && <Outcome met={row.met} />}
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}

/**
 * The metrics beside what they are compared with, in two explanations the reader switches between: without
 * diabetes (the tight range, variability and mean of healthy people) and with diabetes (the consensus targets
 * and GMI). The choice is remembered in this browser.
 */
export function MetricsPanel({ report, format }: { report: GlucoseReport; format: GlucoseFormat }) {
  const { t } = useTranslation();
  const [view, setView] = useStoredChoice('topfit.glucoseTargets', VIEWS, 'prevention');
  const { metrics, ranges } = report;
  const percent = format.percent;
  const cv = {
    key: 'cv',
    name: t('glucose.metrics.cv'),
    value: percent(metrics.cvPercent),
    explanation: t('glucose.metrics.cvExplain'),
  };
  const mean = {
    key: 'mean',
    name: t('glucose.metrics.mean'),
    value: format.withUnit(metrics.meanMgdl),
    explanation: t('glucose.metrics.meanExplain'),
  };

  const prevention: Row[] = [
    {
      key: 'tight',
      name: t('glucose.metrics.tight', { range: format.tightRange() }),
      value: percent(ranges.tightInRange),
      explanation: t('glucose.metrics.tightExplain', { perDay: format.perDay(100 - ranges.tightInRange) }),
      reference: t('glucose.metrics.healthyTight', { value: percent(HEALTHY.tightPercent) }),
    },
    { ...cv, reference: t('glucose.metrics.healthyCv', { value: percent(HEALTHY.cvPercent) }) },
    { ...mean, reference: t('glucose.metrics.healthyMean', { value: format.withUnit(HEALTHY.meanMgdl) }) },
  ];

  const target = (key: keyof typeof TARGETS, value: number): Pick<Row, 'reference' | 'met'> => {
    const rule: { above?: number; below?: number } = TARGETS[key];
    return rule.above !== undefined
      ? {
          reference: t('glucose.metrics.targetAbove', { value: percent(rule.above) }),
          met: value > rule.above,
        }
      : {
          reference: t('glucose.metrics.targetBelow', { value: percent(rule.below ?? 0) }),
          met: value < (rule.below ?? 0),
        };
  };
  const diabetes: Row[] = [
    {
      key: 'inRange',
      name: t('glucose.metrics.inRange', { range: format.range('inRange') }),
      value: percent(metrics.percentIn70to180),
      explanation: t('glucose.metrics.inRangeExplain'),
      ...target('inRange', metrics.percentIn70to180),
    },
    {
      key: 'below70',
      name: t('glucose.metrics.below', { value: format.withUnit(70) }),
      value: percent(metrics.percentBelow70),
      explanation: t('glucose.metrics.below70Explain', { perDay: format.perDay(metrics.percentBelow70) }),
      ...target('below70', metrics.percentBelow70),
    },
    {
      key: 'below54',
      name: t('glucose.metrics.below', { value: format.withUnit(54) }),
      value: percent(metrics.percentBelow54),
      explanation: t('glucose.metrics.below54Explain'),
      ...target('below54', metrics.percentBelow54),
    },
    {
      key: 'above180',
      name: t('glucose.metrics.above', { value: format.withUnit(180) }),
      value: percent(metrics.percentAbove180),
      explanation: t('glucose.metrics.above180Explain', { perDay: format.perDay(metrics.percentAbove180) }),
      ...target('above180', metrics.percentAbove180),
    },
    {
      key: 'above250',
      name: t('glucose.metrics.above', { value: format.withUnit(250) }),
      value: percent(metrics.percentAbove250),
      explanation: t('glucose.metrics.above250Explain'),
      ...target('above250', metrics.percentAbove250),
    },
    {
      ...cv,
      reference: t('glucose.metrics.targetAtMost', { value: percent(CV_TARGET) }),
      met: metrics.cvPercent <= CV_TARGET,
    },
    {
      key: 'gmi',
      name: t('glucose.metrics.gmi'),
      value: t('glucose.metrics.gmiValue', {
        percent: format.number(metrics.gmiPercent, 1),
        mmolMol: format.number(metrics.gmiMmolMol),
      }),
      explanation: t('glucose.metrics.gmiExplain'),
    },
    mean,
  ];

  return (
    <Tabs
      keepMounted={false}
      value={view}
      onChange={(value) => setView(value === 'diabetes' ? 'diabetes' : 'prevention')}
    >
      <Tabs.List aria-label={t('glucose.metrics.views')}>
        <Tabs.Tab value="prevention" data-testid="metrics-tab-prevention">
          {t('glucose.metrics.prevention')}
        </Tabs.Tab>
        <Tabs.Tab value="diabetes" data-testid="metrics-tab-diabetes">
          {t('glucose.metrics.diabetes')}
        </Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="prevention" pt="md">
        <Stack>
          <Text>{t('glucose.metrics.preventionIntro')}</Text>
          <Rows rows={prevention} />
          <Text size="sm" c="dimmed">
            {t('glucose.metrics.preventionSource')}
          </Text>
        </Stack>
      </Tabs.Panel>
      <Tabs.Panel value="diabetes" pt="md">
        <Stack>
          <Text>{t('glucose.metrics.diabetesIntro')}</Text>
          <Rows rows={diabetes} />
          <Text size="sm" c="dimmed">
            {t('glucose.metrics.diabetesSource')}
          </Text>
        </Stack>
      </Tabs.Panel>
    </Tabs>
  );
}
