import { Type } from 'class-transformer';
import { IsInt, IsString, ValidateNested } from 'class-validator';
import { createValidationPipe, InvalidInputException } from './validation';

class AddressDto {
  @IsString()
  postalCode!: string;
}

class ExampleDto {
  @IsInt()
  birthYear!: number;

  @ValidateNested()
  @Type(() => AddressDto)
  address!: AddressDto;
}

describe('the validation pipe', () => {
  const pipe = createValidationPipe();
  const validate = (body: unknown) => pipe.transform(body, { type: 'body', metatype: ExampleDto });

  it('names each bad field by its path, without the submitted value', async () => {
    const error = await validate({ birthYear: 'Ærø', address: { postalCode: 1234 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputException);
    expect((error as InvalidInputException).fieldErrors).toEqual([
      { field: 'birthYear', message: 'must be an integer number' },
      { field: 'address.postalCode', message: 'must be a string' },
    ]);
    expect(JSON.stringify(error)).not.toContain('Ærø');
  });

  it('refuses unknown fields, also nested ones, instead of dropping them', async () => {
    const error = await validate({ birthYear: 1990, address: { postalCode: '2100', floor: 3 }, isAdmin: true }).catch((e: unknown) => e);
    expect((error as InvalidInputException).fieldErrors).toEqual([
      { field: 'isAdmin', message: 'property isAdmin should not exist' },
      { field: 'address.floor', message: 'property floor should not exist' },
    ]);
  });

  it('passes a valid body through as an instance of its DTO', async () => {
    const value = await validate({ birthYear: 1990, address: { postalCode: '2100' } });
    expect(value).toBeInstanceOf(ExampleDto);
    expect(value).toEqual({ birthYear: 1990, address: { postalCode: '2100' } });
  });

  it('refuses text PostgreSQL cannot store (NUL, unpaired surrogates), naming the field', async () => {
    const error = await validate({ birthYear: 1990, address: { postalCode: '21\u000000' } }).catch((e: unknown) => e);
    expect((error as InvalidInputException).fieldErrors).toEqual([{ field: 'address.postalCode', message: 'must not contain NUL characters or unpaired surrogates' }]);
    const surrogate = await pipe.transform({ postalCode: 'a\ud800' }, { type: 'query', metatype: AddressDto }).catch((e: unknown) => e);
    expect((surrogate as InvalidInputException).fieldErrors).toEqual([{ field: 'postalCode', message: 'must not contain NUL characters or unpaired surrogates' }]);
    await expect(pipe.transform({ postalCode: '2100 Ø 🧬' }, { type: 'query', metatype: AddressDto })).resolves.toEqual({ postalCode: '2100 Ø 🧬' });
  });

  it('refuses __proto__, constructor, toString and other keys class-transformer would drop unseen', async () => {
    const body = JSON.parse('{"birthYear": 1990, "address": {"postalCode": "2100", "constructor": {"prototype": {"x": 1}}}, "__proto__": {"isAdmin": true}, "toString": [], "": {"__proto__": 1}}');
    const error = await validate(body).catch((e: unknown) => e);
    expect((error as InvalidInputException).fieldErrors).toEqual(
      expect.arrayContaining([
        { field: '__proto__', message: 'property __proto__ should not exist' },
        { field: 'address.constructor', message: 'property constructor should not exist' },
        { field: 'toString', message: 'property toString should not exist' },
        { field: '.__proto__', message: 'property __proto__ should not exist' },
      ]),
    );
    expect(({} as { isAdmin?: boolean }).isAdmin).toBeUndefined();
  });

  it('refuses null anywhere, which @IsOptional() would let through as if the field were absent', async () => {
    const error = await validate({ birthYear: 1990, address: null, extra: [null] }).catch((e: unknown) => e);
    expect((error as InvalidInputException).fieldErrors).toEqual(
      expect.arrayContaining([
        { field: 'address', message: 'must not be null: leave an optional field out' },
        { field: 'extra.0', message: 'must not be null: leave an optional field out' },
      ]),
    );
  });

  it('refuses deep nesting before class-transformer recurses into it, and does not recurse itself', async () => {
    const deep = JSON.parse(`{"birthYear": 1990, "address": ${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`);
    const error = await validate(deep).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputException);
    expect((error as InvalidInputException).fieldErrors).toEqual([{ field: `address${'.a'.repeat(31)}`, message: 'is nested more than 32 levels deep' }]);
  });
});
