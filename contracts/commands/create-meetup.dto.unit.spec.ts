import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateMeetupDto } from './create-meetup.dto';

const meetup = (startsAt: string) => plainToInstance(CreateMeetupDto, { startsAt, place: 'Sjældne Diagnosers hus, Odense', descriptions: { da: 'Træf' } });
const invalidFields = async (startsAt: string): Promise<string[]> => (await validate(meetup(startsAt))).map((error) => error.property);

describe('the start of a meet-up', () => {
  it('is a date and time with its offset', async () => {
    expect(await invalidFields('2027-06-13T10:00:00+02:00')).toEqual([]);
    expect(await invalidFields('2027-06-13T08:00Z')).toEqual([]);
    expect(await invalidFields('2027-06-13T10:00:00')).toEqual(['startsAt']);
  });

  it('is a day that exists, not one Date would roll over into the next month', async () => {
    expect(await invalidFields('2027-02-30T10:00:00Z')).toEqual(['startsAt']);
    expect(await invalidFields('2027-04-31T10:00:00+02:00')).toEqual(['startsAt']);
    expect(await invalidFields('2028-02-29T10:00:00Z')).toEqual([]);
    expect(await invalidFields('2027-06-13T24:30:00Z')).toEqual(['startsAt']);
  });
});
