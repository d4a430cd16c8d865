import { pythonTruthy } from '../../compiler/jinja.ts';
import { snakeName } from './snake-case.ts';

/**
 * The DescribeInstances filter names a `hostnames` entry may use, and where each one's
 * value lives in an instance (the amazon.aws.aws_ec2 plugin's own table, whose paths
 * are the API's names; host variables use their snake_case form). A name not in this
 * table is, as in Ansible, a literal host name.
 */
const PATHS: Readonly<Record<string, readonly string[]>> = {
  'group-id': ['Groups', 'GroupId'],
  'group-name': ['Groups', 'GroupName'],
  'network-interface.attachment.instance-owner-id': ['OwnerId'],
  'owner-id': ['OwnerId'],
  'requester-id': ['RequesterId'],
  'reservation-id': ['ReservationId'],
  affinity: ['Placement', 'Affinity'],
  architecture: ['Architecture'],
  'availability-zone': ['Placement', 'AvailabilityZone'],
  'block-device-mapping.attach-time': ['BlockDeviceMappings', 'Ebs', 'AttachTime'],
  'block-device-mapping.delete-on-termination': ['BlockDeviceMappings', 'Ebs', 'DeleteOnTermination'],
  'block-device-mapping.device-name': ['BlockDeviceMappings', 'DeviceName'],
  'block-device-mapping.status': ['BlockDeviceMappings', 'Ebs', 'Status'],
  'block-device-mapping.volume-id': ['BlockDeviceMappings', 'Ebs', 'VolumeId'],
  'client-token': ['ClientToken'],
  'dns-name': ['PublicDnsName'],
  'host-id': ['Placement', 'HostId'],
  hypervisor: ['Hypervisor'],
  'iam-instance-profile.arn': ['IamInstanceProfile', 'Arn'],
  'image-id': ['ImageId'],
  'instance-id': ['InstanceId'],
  'instance-lifecycle': ['InstanceLifecycle'],
  'instance-state-code': ['State', 'Code'],
  'instance-state-name': ['State', 'Name'],
  'instance-type': ['InstanceType'],
  'instance.group-id': ['SecurityGroups', 'GroupId'],
  'instance.group-name': ['SecurityGroups', 'GroupName'],
  'ip-address': ['PublicIpAddress'],
  'kernel-id': ['KernelId'],
  'key-name': ['KeyName'],
  'launch-index': ['AmiLaunchIndex'],
  'launch-time': ['LaunchTime'],
  'monitoring-state': ['Monitoring', 'State'],
  'network-interface.addresses.private-ip-address': ['NetworkInterfaces', 'PrivateIpAddress'],
  'network-interface.addresses.primary': ['NetworkInterfaces', 'PrivateIpAddresses', 'Primary'],
  'network-interface.addresses.association.public-ip': ['NetworkInterfaces', 'PrivateIpAddresses', 'Association', 'PublicIp'],
  'network-interface.addresses.association.ip-owner-id': ['NetworkInterfaces', 'PrivateIpAddresses', 'Association', 'IpOwnerId'],
  'network-interface.association.public-ip': ['NetworkInterfaces', 'Association', 'PublicIp'],
  'network-interface.association.ip-owner-id': ['NetworkInterfaces', 'Association', 'IpOwnerId'],
  'network-interface.association.allocation-id': ['ElasticGpuAssociations', 'ElasticGpuId'],
  'network-interface.association.association-id': ['ElasticGpuAssociations', 'ElasticGpuAssociationId'],
  'network-interface.attachment.attachment-id': ['NetworkInterfaces', 'Attachment', 'AttachmentId'],
  'network-interface.attachment.instance-id': ['InstanceId'],
  'network-interface.attachment.device-index': ['NetworkInterfaces', 'Attachment', 'DeviceIndex'],
  'network-interface.attachment.status': ['NetworkInterfaces', 'Attachment', 'Status'],
  'network-interface.attachment.attach-time': ['NetworkInterfaces', 'Attachment', 'AttachTime'],
  'network-interface.attachment.delete-on-termination': ['NetworkInterfaces', 'Attachment', 'DeleteOnTermination'],
  'network-interface.availability-zone': ['Placement', 'AvailabilityZone'],
  'network-interface.description': ['NetworkInterfaces', 'Description'],
  'network-interface.group-id': ['NetworkInterfaces', 'Groups', 'GroupId'],
  'network-interface.group-name': ['NetworkInterfaces', 'Groups', 'GroupName'],
  'network-interface.ipv6-addresses.ipv6-address': ['NetworkInterfaces', 'Ipv6Addresses', 'Ipv6Address'],
  'network-interface.mac-address': ['NetworkInterfaces', 'MacAddress'],
  'network-interface.network-interface-id': ['NetworkInterfaces', 'NetworkInterfaceId'],
  'network-interface.owner-id': ['NetworkInterfaces', 'OwnerId'],
  'network-interface.private-dns-name': ['NetworkInterfaces', 'PrivateDnsName'],
  'network-interface.requester-managed': ['NetworkInterfaces', 'Association', 'IpOwnerId'],
  'network-interface.status': ['NetworkInterfaces', 'Status'],
  'network-interface.source-dest-check': ['NetworkInterfaces', 'SourceDestCheck'],
  'network-interface.subnet-id': ['NetworkInterfaces', 'SubnetId'],
  'network-interface.vpc-id': ['NetworkInterfaces', 'VpcId'],
  'placement-group-name': ['Placement', 'GroupName'],
  platform: ['Platform'],
  'private-dns-name': ['PrivateDnsName'],
  'private-ip-address': ['PrivateIpAddress'],
  'product-code': ['ProductCodes', 'ProductCodeId'],
  'product-code.type': ['ProductCodes', 'ProductCodeType'],
  'ramdisk-id': ['RamdiskId'],
  reason: ['StateTransitionReason'],
  'root-device-name': ['RootDeviceName'],
  'root-device-type': ['RootDeviceType'],
  'source-dest-check': ['SourceDestCheck'],
  'spot-instance-request-id': ['SpotInstanceRequestId'],
  'state-reason-code': ['StateReason', 'Code'],
  'state-reason-message': ['StateReason', 'Message'],
  'subnet-id': ['SubnetId'],
  tag: ['Tags'],
  'tag-key': ['Tags'],
  'tag-value': ['Tags'],
  tenancy: ['Placement', 'Tenancy'],
  'virtualization-type': ['VirtualizationType'],
  'vpc-id': ['VpcId'],
};

const SNAKE_PATHS = new Map(Object.entries(PATHS).map(([name, path]) => [name, path.map(snakeName)]));

/** Whether `name` is a filter name whose value a host name can take (else it is a literal). */
export function isFilterAttribute(name: string): boolean {
  return SNAKE_PATHS.has(name);
}

/**
 * The value of a filter name in an instance, as the plugin's _get_boto_attr_chain: lists
 * along the path are searched item by item, empty values dropped, and a list of one
 * value is that value. A name that is not a filter is returned as it is (a literal).
 */
export function filterAttribute(name: string, instance: Readonly<Record<string, unknown>>): unknown {
  const path = SNAKE_PATHS.get(name);
  if (path === undefined) return name;
  let value: unknown = instance;
  for (const key of path) value = compileValues(value, key);
  return value;
}

function compileValues(value: unknown, key: string): unknown {
  if (value === null || value === undefined) return undefined;
  let found: unknown;
  if (Array.isArray(value)) {
    found = value.map((item) => compileValues(item, key)).filter(pythonTruthy);
  } else if (typeof value === 'object') {
    found = (value as Record<string, unknown>)[key];
  }
  return Array.isArray(found) && found.length === 1 ? found[0] : found;
}
