/**
 * Manual partition assignment through the consumer-group protocol. kafkajs has no `assign()`: a
 * consumer only reads what its group's leader gives it. So every member puts the partitions its
 * subtask owns (computed by `ownerOf`) into its join metadata, and whichever member leads hands each
 * member exactly what it asked for. No member's partitions depend on who else is in the group, so
 * subtasks joining at different times, a restarted job's members, or a crashed member that has not
 * timed out yet never move a partition from the subtask that owns it; a rebalance only pauses fetching.
 */
import { AssignerProtocol, type Assigner, type PartitionAssigner } from 'kafkajs';

/** The protocol name every member of a KafkaSource's group announces. */
export const REQUESTED_ASSIGNMENT_PROTOCOL = 'SageRequestedAssignment';
const VERSION = 1;

/** Topic → partitions. */
export type Assignment = Record<string, number[]>;

/** An assigner that requests `requested()` at every join (it changes when partitions are discovered). */
export function requestedAssignmentAssigner(requested: () => Assignment): PartitionAssigner {
  return (): Assigner => ({
    name: REQUESTED_ASSIGNMENT_PROTOCOL,
    version: VERSION,
    protocol({ topics }) {
      const userData = Buffer.from(JSON.stringify(requested()));
      return { name: REQUESTED_ASSIGNMENT_PROTOCOL, metadata: AssignerProtocol.MemberMetadata.encode({ version: VERSION, topics, userData }) };
    },
    async assign({ members }) {
      return members.map(({ memberId, memberMetadata }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: VERSION, assignment: decodeRequest(memberMetadata), userData: Buffer.alloc(0) }),
      }));
    },
  });
}

/** A member whose metadata is not a request of this version gets nothing rather than a guess. */
function decodeRequest(memberMetadata: Buffer): Assignment {
  try {
    const { userData } = AssignerProtocol.MemberMetadata.decode(memberMetadata)!;
    const parsed = JSON.parse(userData.toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const assignment: Assignment = {};
    for (const [topic, partitions] of Object.entries(parsed)) {
      if (Array.isArray(partitions) && partitions.every((p) => Number.isSafeInteger(p))) assignment[topic] = partitions as number[];
    }
    return assignment;
  } catch {
    return {};
  }
}
