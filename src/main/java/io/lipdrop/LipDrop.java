package io.lipdrop;
public class LipDrop { public static void main(String[] a) {} }
