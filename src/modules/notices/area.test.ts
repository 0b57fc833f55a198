import { describe, expect, it } from 'vitest';
import { areaProblems, describeArea, houseNumber, inAnyArea, inArea, placeKey, type NoticeArea } from './area.ts';

const area = (over: Partial<NoticeArea>): NoticeArea => ({ locality: 'Wodnikowo', street: 'ul. Lipowa', fromNumber: null, toNumber: null, ...over });
const at = (building: string, street = 'ul. Lipowa', locality = 'Wodnikowo') => ({ locality, street, building });

describe('houseNumber', () => {
  it('takes the leading number of a house number', () => {
    expect(houseNumber('12')).toBe(12);
    expect(houseNumber('12A')).toBe(12);
    expect(houseNumber('12 a')).toBe(12);
    expect(houseNumber('7/3')).toBe(7);
    expect(houseNumber('b/n')).toBeNull();
    expect(houseNumber('')).toBeNull();
  });
});

describe('placeKey', () => {
  it('ignores case, spaces and the street-kind prefix', () => {
    expect(placeKey('ul. Lipowa')).toBe('lipowa');
    expect(placeKey('  LIPOWA ')).toBe('lipowa');
    expect(placeKey('al.  Jana Pawła II')).toBe('jana pawła ii');
    expect(placeKey('Łąkowa')).toBe(placeKey('ul. łąkowa'));
  });
});

describe('inArea', () => {
  it('a locality compares without case or extra spaces', () => {
    expect(inArea(at('3', 'ul. Polna', 'Nowa  Wieś'), area({ locality: 'nowa wieś', street: null }))).toBe(true);
  });
  it('a whole locality takes every street in it, and no other locality', () => {
    expect(inArea(at('3', 'ul. Polna'), area({ street: null }))).toBe(true);
    expect(inArea(at('3', 'ul. Polna', 'Zalesie'), area({ street: null }))).toBe(false);
  });
  it('a whole street takes every number, even one without digits', () => {
    expect(inArea(at('b/n'), area({}))).toBe(true);
    expect(inArea(at('5', 'ul. Klonowa'), area({}))).toBe(false);
    expect(inArea(at('5', 'Lipowa'), area({}))).toBe(true);
  });
  it('a range compares the numeric part, both ends included', () => {
    const a = area({ fromNumber: 10, toNumber: 14 });
    expect(inArea(at('9'), a)).toBe(false);
    expect(inArea(at('10'), a)).toBe(true);
    expect(inArea(at('12A'), a)).toBe(true);
    expect(inArea(at('14/2'), a)).toBe(true);
    expect(inArea(at('14B'), a)).toBe(true);
    expect(inArea(at('15'), a)).toBe(false);
    expect(inArea(at('b/n'), a)).toBe(false);
  });
  it('a half-open range', () => {
    expect(inArea(at('100'), area({ fromNumber: 20 }))).toBe(true);
    expect(inArea(at('19'), area({ fromNumber: 20 }))).toBe(false);
    expect(inArea(at('1'), area({ toNumber: 5 }))).toBe(true);
    expect(inArea(at('6'), area({ toNumber: 5 }))).toBe(false);
  });
  it('any row of the area is enough; no rows concern no one', () => {
    const rows = [area({ fromNumber: 1, toNumber: 5 }), area({ street: 'ul. Klonowa' })];
    expect(inAnyArea(at('7', 'ul. Klonowa'), rows)).toBe(true);
    expect(inAnyArea(at('7'), rows)).toBe(false);
    expect(inAnyArea(at('7'), [])).toBe(false);
  });
});

describe('areaProblems', () => {
  it('refuses an empty area, a row without locality, a range without street and a reversed range', () => {
    expect(areaProblems([])).toEqual([{ code: 'notices.area_empty' }]);
    expect(areaProblems([area({ locality: ' ' })])).toEqual([{ code: 'notices.area_locality', index: 0 }]);
    expect(areaProblems([area({}), area({ street: null, fromNumber: 1 })])).toEqual([{ code: 'notices.area_range_needs_street', index: 1 }]);
    expect(areaProblems([area({ fromNumber: 9, toNumber: 2 })])).toEqual([{ code: 'notices.area_range', index: 0 }]);
    expect(areaProblems([area({ fromNumber: 2, toNumber: 2 })])).toEqual([]);
  });
});

describe('describeArea', () => {
  it('says the area in Polish', () => {
    expect(describeArea(area({ fromNumber: 1, toNumber: 40 }))).toBe('Wodnikowo, ul. Lipowa 1–40');
    expect(describeArea(area({ street: null }))).toBe('Wodnikowo (cała miejscowość)');
    expect(describeArea(area({}))).toBe('Wodnikowo, ul. Lipowa');
  });
});
