import { expect } from 'chai';
import { ValidationError } from '../../compiler/errors.ts';
import { compileResource, type Resource } from '../../compiler/resource.ts';
import { planOf } from './plan-harness.ts';
import { thrown } from './thrown.ts';

/** A case of bad input: what it is, the props, and the field its error must name. */
export type RefusedCase = readonly [what: string, props: unknown, field: RegExp];

/** A case of bad input made in full: what it is, the resource, and what its error must say. */
export type RefusedMessageCase = readonly [what: string, make: () => Resource, problem: RegExp];

/**
 * One test per case: compiling a plan of the resource (local files read as a run reads them)
 * throws a ValidationError whose message matches, field and file included.
 */
export function itRefusesWithMessage(cases: readonly RefusedMessageCase[]): void {
  for (const [what, make, problem] of cases) {
    it(what, () => {
      const error = thrown(() => planOf([make()]));
      expect(error).to.be.instanceOf(ValidationError);
      expect(error.message).to.match(problem);
    });
  }
}

/** A case of rendering: what it is, the props, and the file the step would write (its diff's desired content). */
export type RenderedCase<P> = readonly [what: string, props: P, content: string];

/** One test per case: the resource refuses the props at compile time, with a ValidationError naming the field. */
export function itRefuses(make: (props: never) => Resource, cases: readonly RefusedCase[]): void {
  for (const [what, props, field] of cases) {
    it(what, () => {
      expect(() => compileResource(make(props as never)))
        .to.throw(ValidationError)
        .with.property('field')
        .that.matches(field);
    });
  }
}

/** One test per case: the resource's step would write exactly this content. */
export function itRenders<P>(make: (props: P) => Resource, cases: readonly RenderedCase<P>[]): void {
  for (const [what, props, content] of cases) {
    it(what, () => expect(compileResource(make(props))[0]?.diff?.desired).to.equal(content));
  }
}
