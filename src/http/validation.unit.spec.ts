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
});
