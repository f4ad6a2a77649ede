// Test support for the Kafka connector (run by read-committed.ts, never shipped in a job): prints what
// Kafka's own Java consumer, with isolation.level=read_committed, reads from every partition of a
// topic — the reference for "what a read_committed reader sees". kafkajs's consumer is not used for
// that, because kafkajs 2.2.4 shows records of aborted transactions when the broker lists them out of
// order (consumer/filterAbortedMessages.js assumes they are sorted by first offset).
//
// Usage: java -cp '<kafka libs>/*' ReadCommitted.java <bootstrap> <topic>
// Output, one JSON object per line: {"partition":p,"offset":o,"timestamp":ms,"key":b64|null,"value":b64|null} per
// record, then {"lastStable":{p:offset,...},"highWatermark":{p:offset,...}}.
import java.time.Duration;
import java.util.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class ReadCommitted {
  public static void main(String[] args) {
    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    props.put("isolation.level", "read_committed");
    props.put("enable.auto.commit", "false");
    props.put("key.deserializer", ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    Base64.Encoder b64 = Base64.getEncoder();
    StringBuilder out = new StringBuilder();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(args[1], Duration.ofSeconds(10))) partitions.add(new TopicPartition(args[1], p.partition()));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // Under read_committed, endOffsets is the last stable offset: where open transactions begin.
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.currentTimeMillis() + 30_000;
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.currentTimeMillis() > deadline) throw new IllegalStateException("did not reach the end offsets " + end + " in 30 s");
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.append("{\"partition\":").append(r.partition()).append(",\"offset\":").append(r.offset())
              .append(",\"timestamp\":").append(r.timestamp())
              .append(",\"key\":").append(r.key() == null ? "null" : "\"" + b64.encodeToString(r.key()) + "\"")
              .append(",\"value\":").append(r.value() == null ? "null" : "\"" + b64.encodeToString(r.value()) + "\"")
              .append("}\n");
        }
      }
      Properties uncommitted = new Properties();
      uncommitted.putAll(props);
      uncommitted.put("isolation.level", "read_uncommitted");
      Map<TopicPartition, Long> high;
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(uncommitted)) {
        high = c.endOffsets(partitions);
      }
      out.append("{\"lastStable\":").append(json(end)).append(",\"highWatermark\":").append(json(high)).append("}\n");
    }
    System.out.print(out);
  }

  private static String json(Map<TopicPartition, Long> offsets) {
    StringJoiner j = new StringJoiner(",", "{", "}");
    offsets.forEach((tp, o) -> j.add("\"" + tp.partition() + "\":" + o));
    return j.toString();
  }
}
