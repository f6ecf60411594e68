import { expect, it } from 'vitest';
import { createTasks } from './index.ts';

it('runs work after the caller goes on, and drain waits for all of it', async () => {
  const order: string[] = [];
  const tasks = createTasks({ error: () => order.push('error') });
  tasks.later('first', async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    order.push('first');
  });
  order.push('caller');
  await tasks.drain();
  expect(order).toEqual(['caller', 'first']);
});

it('a failing task is logged with its name and does not reject anything', async () => {
  const logged: object[] = [];
  const tasks = createTasks({ error: (obj) => logged.push(obj) });
  tasks.later('mail', async () => {
    throw new Error('smtp down');
  });
  await tasks.drain();
  expect(logged).toEqual([expect.objectContaining({ task: 'mail' })]);
});
