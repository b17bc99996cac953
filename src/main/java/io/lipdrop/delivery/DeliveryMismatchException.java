package io.lipdrop.delivery;

/** The object in the bucket is not what was uploaded (size or checksum differ): it is uploaded again. */
public class DeliveryMismatchException extends RuntimeException {
    public DeliveryMismatchException(String message) { super(message); }
}
