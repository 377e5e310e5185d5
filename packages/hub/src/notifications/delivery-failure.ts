/**
 * Why a message could not be delivered. The reason is stored with the delivery attempt and shown on the Alerts screen;
 * a permanent failure is not retried.
 */
export class DeliveryFailure extends Error {
  readonly permanent: boolean;

  constructor(reason: string, permanent: boolean) {
    super(reason);
    this.name = 'DeliveryFailure';
    this.permanent = permanent;
  }
}
