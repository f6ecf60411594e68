import { z } from 'zod';

// The shape every later check relies on: items with a linkId, answers and items in arrays of objects.
const answerShape = z.looseObject({
  get item() {
    return z.array(itemShape).optional();
  },
});
const itemShape = z.looseObject({
  linkId: z.string(),
  get answer() {
    return z.array(answerShape).optional();
  },
  get item() {
    return z.array(itemShape).optional();
  },
});
export const responseShape = z.looseObject({ item: z.array(itemShape).optional() });
