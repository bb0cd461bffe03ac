import {
  type DocumentNode,
  type FragmentDefinitionNode,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

/** Lists with no size argument, by `Type.field`, and the most items each can hold. */
export type ListSizes = Readonly<Record<string, number>>;

const OBJECT_COST = 2;
const SCALAR_COST = 1;
const DEPTH_FACTOR = 1.5;
const SIZE_ARGUMENTS = ['first', 'last'];

export type QueryCost = (schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>) => number;

/**
 * graphql-armor's cost formula (objects 2, scalars 1, each level ×1.5, fragments flattened,
 * `__schema` free, a selection × its `first`), computed with what armor's validation rule cannot
 * see: the request's variables, a variable's default and the argument's own (`users` without
 * `first` is 20 users), and the sizes of lists that take no size argument (`User.sessions`).
 * A cost that no variable entered is kept per document: a repeated query is not counted again.
 */
export function createQueryCost(listSizes: ListSizes): QueryCost {
  const known = new WeakMap<OperationDefinitionNode, number>();

  return (schema, document, operation, inputs) => {
    const kept = known.get(operation);
    if (kept !== undefined) return kept;
    let variables: Record<string, unknown> | undefined;
    let fromVariables = false;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    const fragmentCosts = new Map<string, number>();

    // Values the way execution will see them; unusable variables fail the request there, before any resolver.
    const coerced = () => {
      if (variables) return variables;
      const result = getVariableValues(schema, operation.variableDefinitions ?? [], inputs);
      return (variables = result.coerced ?? {});
    };

    function sizeOf(parent: GraphQLNamedType | undefined, field: GraphQLField<unknown, unknown> | undefined, node: SelectionNode & { kind: Kind.FIELD }): number {
      if (!parent || !field) return 1;
      const listed = listSizes[`${parent.name}.${field.name}`];
      if (listed !== undefined) return listed;
      const name = SIZE_ARGUMENTS.find((n) => field.args.some((a) => a.name === n));
      if (name === undefined) return 1;
      if (node.arguments?.some((a) => a.name.value === name && a.value.kind === Kind.VARIABLE)) fromVariables = true;
      let value: unknown;
      try {
        value = getArgumentValues(field, node, coerced())[name];
      } catch {
        // An argument execution would refuse: that field resolves nothing.
        return 1;
      }
      return typeof value === 'number' && Number.isFinite(value) ? Math.max(value, 1) : 1;
    }

    function selectionCost(node: SelectionNode, parent: GraphQLNamedType | undefined): number {
      switch (node.kind) {
        case Kind.FIELD: {
          if (node.name.value === '__schema') return 0;
          if (!node.selectionSet) return SCALAR_COST;
          const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[node.name.value] : undefined;
          const size = sizeOf(parent, field, node);
          return size * setCost(node.selectionSet, field ? getNamedType(field.type) : undefined);
        }
        case Kind.INLINE_FRAGMENT:
          return setCost(node.selectionSet, node.typeCondition ? schema.getType(node.typeCondition.name.value) : parent);
        case Kind.FRAGMENT_SPREAD: {
          const name = node.name.value;
          const seen = fragmentCosts.get(name);
          // As armor counts a fragment spread again: its cost once more, as one level deeper.
          if (seen !== undefined) return SCALAR_COST + DEPTH_FACTOR * seen;
          const fragment = fragments.get(name);
          if (!fragment) return SCALAR_COST;
          const cost = setCost(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
          fragmentCosts.set(name, cost);
          return SCALAR_COST + cost;
        }
      }
    }

    function setCost(set: SelectionSetNode, parent: GraphQLNamedType | undefined): number {
      let cost = OBJECT_COST;
      for (const child of set.selections) cost += (child.kind === Kind.FIELD ? DEPTH_FACTOR : 1) * selectionCost(child, parent);
      return cost;
    }

    const root = schema.getRootType(operation.operation) ?? undefined;
    let total = 0;
    for (const selection of operation.selectionSet.selections) total += selectionCost(selection, root);
    if (!fromVariables) known.set(operation, total);
    return total;
  };
}
