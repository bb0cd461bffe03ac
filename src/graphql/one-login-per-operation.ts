import { type ASTVisitor, GraphQLError, Kind, type SelectionSetNode, type ValidationContext } from 'graphql';

/** Login fields one operation may hold. */
const MAX_LOGINS = 1;

/**
 * A validation rule: a mutation holding more than one `login` field, through aliases, inline
 * fragments or fragment spreads, is refused whole before anything runs, `@skip`/`@include`
 * notwithstanding. Every `login` field counts as an attempt whether it runs or not (aliases buy no guesses);
 * refusing these requests keeps it simple: one request is at most one login attempt, and one
 * holding 1000 aliased logins is answered before any password is looked at.
 */
export function oneLoginPerOperation(context: ValidationContext): ASTVisitor {
  // Logins per fragment, counted once each: fragments spreading others twice over must not
  // make the count exponential. A cycle (reported by graphql-js's own rule) counts as 0 here.
  const inFragment = new Map<string, number>();
  const countLogins = (selectionSet: SelectionSetNode): number => {
    let logins = 0;
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD:
          if (selection.name.value === 'login') logins += 1;
          break;
        case Kind.INLINE_FRAGMENT:
          logins += countLogins(selection.selectionSet);
          break;
        case Kind.FRAGMENT_SPREAD:
          logins += fragmentLogins(selection.name.value);
          break;
      }
    }
    return logins;
  };
  const fragmentLogins = (name: string): number => {
    const known = inFragment.get(name);
    if (known !== undefined) return known;
    inFragment.set(name, 0);
    const fragment = context.getFragment(name);
    const logins = fragment ? countLogins(fragment.selectionSet) : 0;
    inFragment.set(name, logins);
    return logins;
  };

  return {
    OperationDefinition(operation) {
      if (operation.operation !== 'mutation') return;
      const logins = countLogins(operation.selectionSet);
      if (logins > MAX_LOGINS) {
        context.reportError(
          new GraphQLError(`An operation may hold one \`login\` field; this one holds ${logins}. Send one login per request.`, { nodes: operation }),
        );
      }
    },
  };
}
