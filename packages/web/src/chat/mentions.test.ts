import { describe, expect, it } from 'vitest';
import { mentionsIn, splitMentions } from './mentions.ts';

const ada = { userId: 'u-ada', name: 'Ada Admin', email: 'ada@example.test' };
const tom = { userId: 'u-tom', name: 'Tom', email: 'tom@example.test' };

describe('mentions', () => {
  it('keeps only picked people still named in the text', () => {
    expect(mentionsIn('@Ada Admin can you check the mixer?', [ada, tom])).toEqual(['u-ada']);
    expect(mentionsIn('never mind', [ada])).toEqual([]);
  });

  it('splits the mentioned names out of a message, longest name first', () => {
    expect(splitMentions('ping @Ada Admin and @Tom.', ['Tom', 'Ada Admin'])).toEqual([
      { text: 'ping ', mention: false },
      { text: '@Ada Admin', mention: true },
      { text: ' and ', mention: false },
      { text: '@Tom', mention: true },
      { text: '.', mention: false },
    ]);
    expect(splitMentions('a (b) @x', ['(b']).map((part) => part.mention)).toEqual([false]);
  });
});
