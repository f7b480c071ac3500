// Kafka topics of the product contract (shared/reference/product-contract.md). Key = deviceId on
// every topic so one device's records stay ordered within one partition.
export const Topics = {
  readings: 'iot.readings',
  readingsDlq: 'iot.readings.dlq',
  anomalies: 'iot.anomalies',
  deviceEvents: 'iot.device-events',
} as const
export type TopicName = (typeof Topics)[keyof typeof Topics]

/** Partition counts when a topic is created; readings takes the configured count (default 6). */
export const defaultPartitions: Readonly<Record<TopicName, number>> = {
  'iot.readings': 6,
  'iot.readings.dlq': 1,
  'iot.anomalies': 3,
  'iot.device-events': 3,
}
